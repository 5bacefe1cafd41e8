/**
 * The README's psql walkthrough (docs/walkthrough.sql) works as written: run by psql against a
 * fresh database while a real agent runs, it ends with the manual run succeeded and the long one
 * killed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTestDatabase, waitFor, type TestDatabase } from './support/database.ts';
import { cleanup, root, startAgent } from './agent/support.ts';

const run = promisify(execFile);
let db: TestDatabase;

test.before(async () => {
  db = await createTestDatabase('walkthrough');
});
test.after(async () => {
  await cleanup();
  await db.drop();
});

test('docs/walkthrough.sql runs in psql and its runs end as it says', async () => {
  const agent = startAgent(db, { name: 'walkthrough-agent', args: ['--heartbeat-interval', '2'] });
  await agent.waitForLog((line) => line.msg === 'registered', 'the agent registered', 30_000);
  const url = new URL(db.url);
  const { stdout } = await run('psql', ['-X', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres', '-d', db.name,
    '-v', 'ON_ERROR_STOP=1', '-f', path.join(root, 'docs/walkthrough.sql')], { timeout: 120_000 });
  assert.match(stdout, /kill_requested|cancelled/);
  // On a slow machine a run may still be finishing when psql is done: wait for final states.
  const byJob = await waitFor(async () => {
    const runs = await db.pool.query(`SELECT job, state, finished_at FROM pgautomator.runs WHERE trigger = 'manual'`);
    return runs.rows.every((r) => r.finished_at) && runs.rows.length === 2 && Object.fromEntries(runs.rows.map((r) => [r.job, r.state]));
  }, { timeoutMs: 30_000, what: 'both manual runs to finish' });
  assert.is(byJob['disk-report'], 'succeeded');
  assert.ok(['killed', 'cancelled'].includes(byJob['long-sleep']), `long-sleep ended ${byJob['long-sleep']}`);
  const next = await db.pool.query(`SELECT next_run_at FROM pgautomator.jobs WHERE name = 'disk-report'`);
  assert.ok(next.rows[0].next_run_at instanceof Date, 'the attached schedule gave the job a next run');
});

test.run();
