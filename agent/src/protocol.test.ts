import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseClaimedRun } from './protocol.ts';

const claimed = { run_id: 1, job_id: 2, job: 'j', trigger: 'manual', schedule: null, scheduled_for: '2030-01-01T00:00:00Z', attempt: 1, start_position: 1, timeout: null, begun: null, steps: [] };

test('on_abandon of a claimed run: fail, retry and wait as given', () => {
  for (const value of ['fail', 'retry', 'wait'] as const) assert.is(parseClaimedRun({ ...claimed, on_abandon: value }).onAbandon, value);
});

test('on_abandon absent (an older database) or unknown: fail, so the run is fenced at lease expiry', () => {
  assert.is(parseClaimedRun(claimed).onAbandon, 'fail');
  assert.is(parseClaimedRun({ ...claimed, on_abandon: null }).onAbandon, 'fail');
  assert.is(parseClaimedRun({ ...claimed, on_abandon: 'hold' }).onAbandon, 'fail');
});

test.run();
