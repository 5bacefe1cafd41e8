/**
 * script_job (issue 15): the SQL it prints recreates the job through real psql. A job with awkward
 * names (quotes, backslashes, unicode, newlines in commands, forward gotos, triggers both ways,
 * mail, alerts, a shared schedule and category) is scripted, deleted (with its category and
 * schedule), recreated by psql running the script, and get_job must read as before. Running the
 * script a second time fails (the job exists) and changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const run = promisify(execFile);
let db: TestDatabase;

const job = `it's "odd" \\ naïve ✓ job`;
const category = `cat 'q' ünï`;
const schedule = `weekly 'mon' \\ ✓`;

test.before(async () => {
  db = await createTestDatabase('script_job');
  const q = (sql: string, args: unknown[] = []) => db.pool.query(sql, args);
  await q(`INSERT INTO pgautomator.agent (name, db_role, state) VALUES ('host-1', 'postgres', 'offline')`);
  await q(`SELECT pgautomator.create_connection($1, 'postgres', 'postgres://u@db.example.com/x', 'env:PW')`, [`conn "ø"`]);
  await q(`SELECT pgautomator.create_operator('ops', 'ops@example.com')`);
  await q(`SELECT pgautomator.create_category($1, $2)`, [category, `line1\nline2 'x'`]);
  await q(`SELECT pgautomator.create_job($1, description => $2, category => $3, agent => $4, overlap => 'queue_one',
             misfire => 'skip', misfire_grace => '5 minutes', timeout => '2 hours', on_abandon => 'retry', abandon_retries => 3,
             keep_runs => 50, keep_age => '30 days', enabled => false)`,
    [job, `desc with ' and \\ and\nnewline`, category, 'host-1']);
  await q(`SELECT pgautomator.disable_job($1, $2)`, [job, `paused: 'maintenance' ✓`]);
  await q(`SELECT pgautomator.add_step($1, 'first ''one''', 'shell', $2, shell => 'bash', working_dir => '/tmp/ü',
             env => '{"A": "x''y", "B": "\\\\n"}', success_codes => '{0,3}', timeout => '10 minutes', retries => 2,
             retry_delay => '30 seconds', retry_backoff => 1.5, on_failure => 'next')`,
    [job, `echo 'a "b"' \\\n  && printf '%s\\n' "$HOME"\n# ✓ done`]);
  await q(`SELECT pgautomator.add_step($1, 'second', 'sql', $2, connection => $3, enabled => false, on_failure => 'goto', on_failure_goto => 'first ''one''')`,
    [job, `SELECT 'x''y';\n-- comment\nSELECT E'\\\\t';`, `conn "ø"`]);
  await q(`SELECT pgautomator.add_step($1, 'third', 'shell', 'true', on_success => 'quit_success')`, [job]);
  // A goto forward, to a step added after this one.
  await q(`SELECT pgautomator.update_step($1, 'first ''one''', on_success => 'goto', on_success_goto => 'third')`, [job]);
  await q(`SELECT pgautomator.set_step_email($1, 'third', '{failure}', '{ops}', subject => 'step {{step}} ''failed''')`, [job]);
  await q(`SELECT pgautomator.create_schedule($1, '{"type":"weekly","start_date":"2026-01-05","weekdays":["mon"],"sub":{"type":"once","time":"09:00"},"time_zone":"Europe/Berlin"}', description => $2)`,
    [schedule, `it's weekly`]);
  await q(`SELECT pgautomator.attach_schedule($1, $2)`, [job, schedule]);
  await q(`SELECT pgautomator.set_job_email($1, '{failure,success}', '{ops,dba@example.com}', 'agent@example.com', 'Job {{job}}', $2)`,
    [job, `Body 'x'\n{{message}}`]);
  await q(`SELECT pgautomator.create_job('upstream')`);
  await q(`SELECT pgautomator.create_job('downstream')`);
  await q(`SELECT pgautomator.add_job_trigger($1, 'upstream', 'failed', '5 minutes')`, [job]);
  await q(`SELECT pgautomator.add_job_trigger('downstream', $1, 'finished')`, [job]);
  await q(`SELECT pgautomator.set_job_alert($1, 'freshness', '1 day')`, [job]);
  await q(`SELECT pgautomator.set_job_alert($1, 'duration', '1 hour')`, [job]);
});
test.after(async () => {
  await db.drop();
});

/** What must survive the round trip: get_job without ids, timestamps and the clock's next fires. */
async function definition(): Promise<unknown> {
  const { rows } = await db.pool.query(`SELECT pgautomator.get_job($1) AS j`, [job]);
  const j = rows[0].j;
  for (const key of ['id', 'created_at', 'updated_at', 'last_run_id', 'last_run_state', 'last_run_finished_at', 'next_run_at']) delete j.job[key];
  for (const s of j.steps) for (const key of ['id', 'created_at', 'updated_at']) delete s[key];
  for (const s of j.schedules) for (const key of ['next_fire_at', 'last_fire_at', 'attached_at']) delete s[key];
  for (const a of j.alert_rules) delete a.due_at;
  return j;
}

async function psql(file: string): Promise<{ code: number; stderr: string }> {
  const url = new URL(db.url);
  return run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres',
    '-d', db.name, '-f', file]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
}

test('the script recreates the job through psql, and a second run fails and changes nothing', async () => {
  const before = await definition();
  const { rows } = await db.pool.query(`SELECT pgautomator.script_job($1) AS sql`, [job]);
  const script: string = rows[0].sql;
  assert.not.match(script, 'env:PW', 'no secret reference in the script');
  assert.not.match(script, 'db.example.com', 'no DSN in the script');
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const file = `${await mkdtemp(`${tmpdir()}/script-job-`)}/job.sql`;
  await writeFile(file, script);

  await db.pool.query(`SELECT pgautomator.delete_job($1)`, [job]);
  await db.pool.query(`SELECT pgautomator.delete_schedule($1)`, [schedule]);
  await db.pool.query(`SELECT pgautomator.delete_category($1)`, [category]);
  const first = await psql(file);
  assert.is(first.code, 0, first.stderr);
  assert.equal(await definition(), before, 'get_job reads the same after the script ran');
  const catDesc = await db.pool.query(`SELECT description FROM pgautomator.list_categories() WHERE name = $1`, [category]);
  assert.is(catDesc.rows[0].description, `line1\nline2 'x'`, 'the category came back with its description');

  const again = await psql(file);
  assert.is.not(again.code, 0, 'a second run fails');
  assert.match(again.stderr, /already exists/);
  assert.equal(await definition(), before, 'and changes nothing');
});

test.run();
