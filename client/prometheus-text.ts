/**
 * The Prometheus text exposition format (version 0.0.4), written from plain descriptions of
 * metric families: used by the gateway's GET /metrics (from pgautomator.metrics()) and by the
 * agent's optional --metrics-port (its own state). No dependency: the format is small, and a
 * parser from npm checks the output in the tests.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

export type MetricFamily =
  | { name: string; help: string; type: 'gauge' | 'counter'; samples: Array<{ labels?: Labels; value: number }> }
  | { name: string; help: string; type: 'histogram'; bounds: number[]; cumulative: number[]; count: number; sum: number; labels?: Labels };

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The exposition of the families, in order, ending with a newline. */
export function prometheusText(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      family.bounds.forEach((bound, i) => {
        lines.push(`${family.name}_bucket${labelText({ ...family.labels, le: numberText(bound) })} ${numberText(family.cumulative[i] ?? 0)}`);
      });
      lines.push(`${family.name}_bucket${labelText({ ...family.labels, le: '+Inf' })} ${numberText(family.count)}`);
      lines.push(`${family.name}_sum${labelText(family.labels)} ${numberText(family.sum)}`);
      lines.push(`${family.name}_count${labelText(family.labels)} ${numberText(family.count)}`);
    } else {
      for (const sample of family.samples) lines.push(`${family.name}${labelText(sample.labels)} ${numberText(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
