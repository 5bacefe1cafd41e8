/**
 * The figures of a row of the jobs list (issue 15): how long the job takes and how often it
 * succeeds, from the jobs view's last_duration, avg_duration, recent_durations and success_rate.
 */
import { html, nothing, svg } from 'lit';
import { formatDuration, intervalMs } from '../../time-format.ts';

const SPARK = { width: 64, height: 18 };

/**
 * The trend of the last runs' durations (seconds, oldest first) as a small line, the latest run a
 * dot. Decorative: the row says the last and average durations in words beside it.
 */
export function sparkline(durations: readonly number[]) {
  if (durations.length < 2) return nothing;
  const max = Math.max(...durations);
  const min = Math.min(...durations);
  const span = max - min || 1;
  const step = SPARK.width / (durations.length - 1);
  const y = (d: number) => 2 + (SPARK.height - 4) * (1 - (d - min) / span);
  const points = durations.map((d, i) => `${(i * step).toFixed(1)},${y(d).toFixed(1)}`).join(' ');
  const last = durations[durations.length - 1];
  return html`<svg class="spark" width=${SPARK.width + 4} height=${SPARK.height} viewBox="-2 0 ${SPARK.width + 4} ${SPARK.height}" aria-hidden="true">
    ${svg`<polyline points=${points} fill="none" stroke="currentColor" stroke-width="1.2"></polyline>
      <circle cx=${SPARK.width} cy=${y(last)} r="2" fill="currentColor"></circle>`}</svg>`;
}

/** `12 s (avg 10 s)`, or a dash for a job that never ran to an end. */
export function durationWords(last: unknown, avg: unknown): string {
  const l = intervalMs(last);
  const a = intervalMs(avg);
  if (l === null && a === null) return '—';
  if (a === null) return formatDuration(l);
  return `${l === null ? '—' : formatDuration(l)} (avg ${formatDuration(a)})`;
}

/** `95 %`, or a dash when no run ran to an outcome. */
export function successWords(rate: number | null): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)} %`;
}
