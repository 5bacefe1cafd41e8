import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import { createTestDatabase } from '../support/database.ts';
import { adminApi, cleanup, startAgent } from './support.ts';
const N = Number(process.argv[2] ?? 500);
const db = await createTestDatabase('agent_racetry');
try {
  const api = adminApi(db);
  await api.createJob({ name: 'noop', overlap: 'allow' });
  if (process.env.KIND === 'sqlite') {
    await api.createConnection({ name: 'mem', driver: 'sqlite', dsn: ':memory:' });
    await api.addStep({ job: 'noop', name: 'true', kind: 'sql', connection: 'mem', command: 'SELECT 1' });
  } else if (process.env.KIND === 'pg') {
    await api.createConnection({ name: 'pg', driver: 'postgres', dsn: db.url });
    await api.addStep({ job: 'noop', name: 'true', kind: 'sql', connection: 'pg', command: 'SELECT 1' });
  } else await api.addStep({ job: 'noop', name: 'true', kind: 'shell', command: process.argv[3] ?? 'true' });
  await db.pool.query('SELECT pgautomator.start_job($1) FROM generate_series(1, $2::int)', ['noop', N]);
  const agents = ['a', 'b'].map((name) => startAgent(db, { name, args: ['--max-concurrent', process.env.MAXC ?? '16', '--log-level', process.env.LL ?? 'warn', '--pool-size', process.env.POOL ?? '2'] }));
  const t0 = Date.now();
  for (;;) {
    const r = await db.pool.query("SELECT state, count(*)::int n FROM pgautomator.job_run GROUP BY 1 ORDER BY 1");
    console.log(((Date.now() - t0) / 1000).toFixed(1), JSON.stringify(r.rows));
    if (!r.rows.some((x: any) => x.state === 'queued' || x.state === 'running')) break;
    if (Date.now() - t0 > 90000) break;
    await new Promise((res) => setTimeout(res, 2000));
  }
  for (const a of agents) { await a.stop(); require('node:fs').writeFileSync('/tmp/agt/race-' + a.name + '.log', a.output()); }
} finally { await cleanup(); await db.drop(); }
