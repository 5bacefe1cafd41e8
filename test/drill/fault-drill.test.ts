/**
 * The fault drill's short form (bench/drill, docs/reliability.md): two agents through a SIGKILL,
 * a SIGSTOP past the lease, fast and immediate restarts of PostgreSQL, an outage past the lease
 * and a black-holed connection, on a throwaway cluster of its own; every count of the ledger
 * against the database must be zero. About 1.5-2.5 minutes.
 * pgautomator-test-timeout: 330
 *
 * Where the cluster cannot be made (no PostgreSQL 15 binaries, or root without a user to run them
 * as) the test says `# SKIP <reason>` (the test runner counts it skipped, with the reason).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { targets } from '../../bench/drill/counting.ts';
import { cannotRun, presetOptions, root, runDrill, type DrillResult } from '../../bench/drill/drill.ts';
import { printReport } from '../../bench/drill/report.ts';

const reason = cannotRun();
let result: DrillResult | undefined;
let failure: unknown;

if (reason) {
  test('the fault drill, short form', () => {
    console.log(`# SKIP the fault drill needs a throwaway PostgreSQL cluster of its own: ${reason}`);
  });
} else {
  test.before(async () => {
    try {
      result = await runDrill({ ...presetOptions('short'), seed: Number(process.env.PGAUTOMATOR_DRILL_SEED ?? 12), checkout: root, log: (line) => console.log(line) });
      printReport(result, (line) => console.log(line));
    } catch (error) {
      failure = error; // uvu would swallow an error of a hook: each test below shows it
    }
  });
  // One test per count, so that a failure lists every count that missed its target.
  for (const { id, key, what } of targets) {
    test(`drill (${id}): ${what}: none`, () => {
      if (!result) throw new Error(`the drill did not run: ${(failure as Error)?.stack ?? failure}`);
      const n = result.counts[key];
      const details = result.counts.findings.filter((f) => f.count === id).slice(0, 5).map((f) => f.what);
      assert.is(n, 0, `${n} ${what}: ${details.join('; ')}`);
    });
  }
}

test.run();
