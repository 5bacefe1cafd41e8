import { createTestDatabase } from '../support/database.ts';
import { adminApi } from './support.ts';
const db = await createTestDatabase('agent_sqltime');
try {
  const api = adminApi(db);
  await api.createJob({ name: 'noop', overlap: 'allow' });
  await api.addStep({ job: 'noop', name: 'true', kind: 'shell', command: 'true' });
  await db.pool.query('SELECT pgautomator.start_job($1) FROM generate_series(1, 5000)', ['noop']);
  const c = await db.pool.connect();
  const t = async (label: string, sql: string, args: unknown[] = []) => { const t0 = performance.now(); const r = await c.query(sql, args); console.log(label, (performance.now() - t0).toFixed(1), 'ms'); return r; };
  await t('register', "select pgautomator.register_agent('x', max_concurrent => 16)");
  await t('heartbeat', "select pgautomator.agent_heartbeat('x')");
  await t('heartbeat', "select pgautomator.agent_heartbeat('x')");
  const r = await t('claim16', "select * from pgautomator.claim_runs('x', 16)");
  await t('claim0', "select * from pgautomator.claim_runs('x', 0)");
  const run = r.rows[0].claim_runs;
  const sr = await t('begin', 'select pgautomator.begin_step($1, $2)', [run.run_id, run.steps[0].step_id]);
  await t('log', "select pgautomator.log_step($1, 'x')", [sr.rows[0].begin_step]);
  await t('end_step', "select pgautomator.end_step($1, 'succeeded')", [sr.rows[0].begin_step]);
  await t('end_run', "select pgautomator.end_run($1, 'succeeded')", [run.run_id]);
  await t('heartbeat', "select pgautomator.agent_heartbeat('x')");
  await t('start_job', "select pgautomator.start_job('noop')");
  c.release();
} finally { await db.drop(); }
