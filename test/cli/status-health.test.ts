/**
 * `pgautomator status` renders the row of pgautomator.status() as a few labelled lines (the numbers
 * themselves are pinned by pgtap/status.sql; test/cli/install-status.test.ts runs the command).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderHealth } from '../../cli/status.ts';

const quiet = {
  agents_online: 2, agents_draining: 0, agents_silent: 0, runs_running: 1, runs_queued: 0, runs_late: 0,
  failed_last_hour: 0, failed_last_day: 0, jobs_failing: 0, failing_jobs: [], mail_waiting: 0, engine: 'plpgsql', version: '0.1.0',
};

test('a quiet system: counts, and no failing jobs', () => {
  assert.is(renderHealth(quiet), [
    'Health:',
    '  agents       2 online, 0 draining, 0 silent',
    '  runs         1 running, 0 queued, 0 late',
    '  failed runs  0 in the last hour, 0 in the last day',
    '  failing jobs none',
    '  mail         0 waiting',
  ].join('\n'));
});

test('trouble: silent agents, late runs, failures and the failing jobs by name', () => {
  const text = renderHealth({ ...quiet, agents_silent: 1, runs_late: 3, failed_last_hour: 1, failed_last_day: 4, jobs_failing: 2,
    failing_jobs: ['backup', 'vacuum'], mail_waiting: 5 });
  assert.match(text, /agents +2 online, 0 draining, 1 silent/);
  assert.match(text, /runs +1 running, 0 queued, 3 late/);
  assert.match(text, /failed runs +1 in the last hour, 4 in the last day/);
  assert.match(text, /failing jobs 2 jobs whose last run failed: backup, vacuum/);
  assert.match(text, /mail +5 waiting/);
  assert.match(renderHealth({ ...quiet, jobs_failing: 1, failing_jobs: ['backup'] }), /failing jobs 1 job whose last run failed: backup/);
});

test.run();
