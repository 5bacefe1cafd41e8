/**
 * axe-core (npm, dev dependency) in the page under test: its source is evaluated through the
 * DevTools protocol (so the console page's CSP, which allows only our own scripts, does not block
 * it), then `axe.run` checks the whole document, open shadow roots included.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

/** Violations of `impacts` (default critical and serious) on the page as it is now. */
export async function axeViolations(page: Page, impacts: string[] = ['critical', 'serious']): Promise<AxeViolation[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => impacts.includes(v.impact ?? ''));
}

/** A readable list for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id} (${v.nodes} nodes): ${v.help} — e.g. ${v.targets.join(' ')}`).join('\n');
}
