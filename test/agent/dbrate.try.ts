import pg from 'pg';
import { createTestDatabase } from '../support/database.ts';
import { adminApi } from './support.ts';
const N = 1500, S = Number(process.env.S ?? 4), TX = process.env.TX === '1';
const db = await createTestDatabase('agent_dbrate');
try {
  const api = adminApi(db);
  await api.createJob({ name: 'noop', overlap: 'allow' });
  await api.addStep({ job: 'noop', name: 'x', kind: 'shell', command: 'true' });
  await db.pool.query('SELECT pgautomator.start_job($1) FROM generate_series(1, $2::int)', ['noop', N]);
  const t0 = Date.now();
  let done = 0;
  await Promise.all(Array.from({ length: S }, async (_, i) => {
    const c = new pg.Client({ connectionString: db.url }); await c.connect();
    await c.query(`select pgautomator.register_agent('s${i}', max_concurrent => 1000)`);
    for (;;) {
      const r = await c.query(`select * from pgautomator.claim_runs('s${i}', 16)`);
      if (r.rows.length === 0) break;
      for (const row of r.rows) {
        const run = row.claim_runs;
        const sr = (await c.query('select pgautomator.begin_step($1, $2) id', [run.run_id, run.steps[0].step_id])).rows[0].id;
        if (TX) await c.query('begin');
        await c.query("select pgautomator.end_step($1, 'succeeded')", [sr]);
        await c.query("select pgautomator.end_run($1, 'succeeded')", [run.run_id]);
        if (TX) await c.query('commit');
        done++;
      }
    }
    await c.end();
  }));
  const s = (Date.now() - t0) / 1000;
  console.log(`${done} runs with ${S} sessions${TX ? ' (end_step+end_run in one tx)' : ''}: ${s.toFixed(1)} s, ${(done / s).toFixed(0)} runs/s`);
} finally { await db.drop(); }
