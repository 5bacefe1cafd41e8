/**
 * A console on a busy gateway: when every database connection of the role is in use the gateway
 * answers 503 gateway_busy (before touching the database), and the components try again after
 * Retry-After instead of showing the refusal, so a page loaded during a burst still fills in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;

test.before(async () => {
  // One backend for the role, and a short wait for it: the jobs page's two reads contend.
  h = await startUiHarness('ui_busy', { connectionsPerRole: 1, connectionWaitMs: 300 });
  await h.api.createJob({ name: 'alpha' });
});

test.after(async () => {
  await h?.close();
});

test('a read refused with 503 gateway_busy is tried again and the page fills in without an error', async () => {
  await h.mount('<pga-jobs></pga-jobs>', 'viewer');
  const jobs = h.page.locator('pga-jobs');
  await jobs.locator('tr[data-job="alpha"]').waitFor();
  // Hold the job table so that the first read after a reload keeps the role's only backend busy.
  const locker = new pg.Client({ connectionString: h.db.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE pgautomator.job IN ACCESS EXCLUSIVE MODE');
  const refusals: string[] = [];
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await locker.query('COMMIT');
  };
  h.page.on('response', (response) => {
    if (response.status() !== 503) return;
    refusals.push(new URL(response.url()).pathname);
    void release(); // the refusal happened; now let the held read finish
  });
  try {
    await h.page.reload();
    await jobs.locator('tr[data-job="alpha"]').waitFor();
    await h.page.waitForLoadState('networkidle');
    assert.ok(refusals.length >= 1, 'the gateway refused a read while its one backend was busy');
    assert.is(await jobs.getByRole('alert').count(), 0, 'no error is shown for a refusal that a retry got past');
  } finally {
    await release();
    await locker.end();
  }
});

test.run();
