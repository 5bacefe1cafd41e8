/**
 * What a test file's output means, for scripts/run-tests.ts: passed, failed and skipped counts
 * with the reasons behind a failure or a skip, and the part of a long output worth showing.
 *
 * uvu 0.5 prints `Total`, `Passed`, `Skipped`; its Total already leaves out `test.skip`ped tests
 * (and, under `.only`, the others), so failed = Total - Passed. A test that cannot run its check
 * prints a `# SKIP <reason>` line (test/support/skip.ts) and returns: uvu counts it passed, we
 * count it skipped. A failing `test.before` is swallowed by uvu (no error, exit 0, Passed 0):
 * test/support/uvu-hook-errors.ts prints it, and here it becomes the reason.
 * pgTAP: `ok N # SKIP` is a skip, `not ok N # TODO` an expected failure (counted skipped).
 */

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** Why the file failed beyond its failing assertions, or why tests were skipped. */
  reasons: string[];
}

// Anywhere on a line: uvu writes its progress marks (• ✘) without a newline before them.
export const SKIP_MARKER = /(?:^|\s)# SKIP\b:?[ \t]*(.*)$/gm;
const HOOK_FAILURE = /(?:^|\s)# HOOK FAILED (test\.\w+(?:\.each)?): (.*)$/m;

/** `.only` in a test file: uvu then runs only those tests and calls the rest skipped. */
export function usesOnly(source: string): boolean {
  return source.split('\n').some((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /\b(test|suite|it|describe)\.only\s*\(/.test(line));
}

export function uvuCounts(output: string, code: number, timedOut = false): Counts {
  const number = (label: string) => {
    const match = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(output);
    return match ? Number(match[1]) : undefined;
  };
  const total = number('Total');
  const uvuPassed = number('Passed') ?? 0;
  const uvuSkipped = number('Skipped') ?? 0;
  const skipReasons = [...output.matchAll(SKIP_MARKER)].map((m) => m[1].trim() || 'no reason given');
  const reasons: string[] = [];
  let failed = total === undefined ? 0 : Math.max(0, total - uvuPassed);
  const passed = Math.max(0, uvuPassed - skipReasons.length);
  const skipped = uvuSkipped + skipReasons.length;
  const hook = HOOK_FAILURE.exec(output);
  if (hook) {
    reasons.push(`${hook[1]} failed: ${hook[2]}`);
    if (failed === 0) failed = 1;
  }
  if (total === undefined) {
    if (!timedOut) reasons.push(code === 0 ? 'printed no uvu summary (no test.run()?)' : `ended (exit ${code}) before its uvu summary`);
    failed = Math.max(failed, 1);
  } else if (code !== 0 && failed === 0 && !timedOut) {
    reasons.push(`exited with code ${code} after all its tests passed (an error outside the tests?)`);
    failed = 1;
  }
  if (passed + failed + skipped === 0) {
    if (!timedOut) reasons.push('ran no test');
    failed = 1;
  }
  for (const reason of skipReasons) reasons.push(`skipped: ${reason}`);
  if (uvuSkipped) reasons.push(`skipped: ${uvuSkipped} test.skip`);
  return { passed, failed, skipped, reasons };
}

export function tapCounts(output: string, code: number, timedOut = false): Counts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const reasons: string[] = [];
  for (const line of output.split('\n')) {
    const ok = /^\s*(not )?ok \d+\b(.*)$/.exec(line);
    if (!ok) continue;
    const directive = /#\s*(SKIP|TODO)\b:?\s*(.*)$/i.exec(ok[2]);
    if (directive?.[1].toUpperCase() === 'SKIP') {
      skipped++;
      reasons.push(`skipped: ${directive[2].trim() || ok[2].trim()}`);
    } else if (directive && ok[1]) {
      skipped++; // a TODO that fails is expected to
      reasons.push(`todo: ${directive[2].trim()}`);
    } else if (ok[1]) failed++;
    else passed++;
  }
  if (code !== 0 && failed === 0) {
    if (!timedOut) reasons.push(`pg_prove exited with code ${code} (plan mismatch, SQL error, ...)`);
    failed = 1;
  }
  if (passed + failed + skipped === 0) {
    if (!timedOut) reasons.push('ran no test');
    failed = Math.max(failed, 1);
  }
  return { passed, failed, skipped, reasons: [...new Set(reasons)] };
}

const NOTEWORTHY = /FAIL|✘|^\s*not ok\b|# HOOK FAILED|^\s*\w*Error\b|# SKIP\b/;

/**
 * The lines to show of a failed file: all of a short output; of a long one, the lines around
 * each failure mark (uvu's FAIL blocks, ✘, pgTAP's `not ok` and diagnostics) and the last lines.
 */
export function excerpt(output: string, { tail = 80, before = 3, after = 20, maxMarked = 300 } = {}): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  if (lines.length <= tail + 40) return lines.join('\n');
  const keep = new Set<number>();
  for (let i = lines.length - tail; i < lines.length; i++) keep.add(i);
  let marked = 0;
  for (let i = 0; i < lines.length - tail && marked < maxMarked; i++) {
    if (!NOTEWORTHY.test(lines[i])) continue;
    for (let j = Math.max(0, i - before); j <= Math.min(lines.length - 1, i + after); j++) {
      if (!keep.has(j)) marked++;
      keep.add(j);
    }
  }
  const shown: string[] = [];
  let last = -1;
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (i > last + 1) shown.push(`[... ${i - last - 1} lines not shown ...]`);
    shown.push(lines[i]);
    last = i;
  }
  return shown.join('\n');
}
