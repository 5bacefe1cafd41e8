/**
 * Metrics benchmark (`npx tsx bench/metrics.ts`): what one scrape costs, i.e. one call of
 * pgautomator.metrics() plus writing the Prometheus text, on 10,000 jobs with a run history of
 * 10, 50 and then 100 finished runs per job (100,000, 500,000 and 1,000,000 rows of job_run), 100
 * runs queued, 50 running, alert rules on 1,000 jobs. Target: well under a second, for a scrape
 * every 15 s.
 *
 * The fixture rows are inserted directly as superuser (the bench measures the read, not the CRUD
 * API), then counted into run_count by _count_ended_runs as the functions ending runs would (where
 * the extension has it: the same script measures a build from before the counters), then analyzed. Prints a Markdown table; `--record` appends it under "Metrics" in
 * bench/README.md. PGAUTOMATOR_BENCH_QUICK=1: 5 calls per size instead of 20.
 */
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prometheusText } from '../client/prometheus-text.ts';
import { schedulerMetrics, type MetricsPayload } from '../client/scheduler-metrics.ts';
import { createTestDatabase } from '../test/support/database.ts';

const JOBS = 10_000;
const HISTORIES = (process.env.PGAUTOMATOR_BENCH_HISTORIES ?? '10,50,100').split(',').map(Number);
const CALLS = process.env.PGAUTOMATOR_BENCH_QUICK ? 5 : 20;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))];

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_metrics');
  const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
  const rows: string[] = [];
  try {
    await q("SELECT pgautomator._register_agent('bench', max_concurrent => 100, heartbeat_interval => '1 hour')");
    await q(`INSERT INTO pgautomator.job (name, owner) SELECT 'bench-' || i, current_user FROM generate_series(1, $1::int) i`, [JOBS]);
    await q(`INSERT INTO pgautomator.alert_rule (job_id, kind, threshold, due_at, created_by)
             SELECT id, 'freshness', '1 day', now() + interval '1 day', current_user FROM pgautomator.job WHERE id % 10 = 0`);
    // Before issue 17's counters, metrics() scanned the history and there was nothing to count into.
    const { rows: [{ counters, fold }] } = await q(
      "SELECT to_regprocedure('pgautomator._count_ended_runs(bigint[])') IS NOT NULL AS counters, to_regprocedure('pgautomator._fold_run_counts()') IS NOT NULL AS fold",
    );
    let loaded = 0;
    for (const perJob of HISTORIES) {
      const { rows: [{ id: lastId }] } = await q('SELECT coalesce(max(id), 0) AS id FROM pgautomator.job_run');
      // Finished runs: mostly succeeded, some failed, durations up to ~2 h, lateness up to ~10 s.
      await q(
        `INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state)
         SELECT j.id, 'schedule', t, t + (k % 10) * interval '1 second', t + (k % 10) * interval '1 second' + ((k * 7919) % 7200) * interval '1 second',
                CASE WHEN k % 13 = 0 THEN 'failed' ELSE 'succeeded' END
           FROM pgautomator.job j, generate_series($1::int + 1, $2::int) k, LATERAL (SELECT now() - k * interval '1 hour' AS t) x`,
        [loaded, perJob],
      );
      if (counters) {
        await q('SELECT pgautomator._count_ended_runs(array_agg(r.id)) FROM pgautomator.job_run r WHERE r.finished_at IS NOT NULL AND r.id > $1', [lastId]);
        // Since 2026-12-06 a run's end is counted in run_count_delta and folded into run_count
        // about once a minute: folded here, as a minute after the load.
        if (fold) await q('SELECT pgautomator._fold_run_counts()');
      }
      loaded = perJob;
      if (perJob === HISTORIES[0]) {
        await q(`INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for) SELECT id, 'manual', now() FROM pgautomator.job WHERE id <= 100`);
        await q(`INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, state, agent_id)
                 SELECT id, 'manual', now(), now(), 'running', (SELECT id FROM pgautomator.agent) FROM pgautomator.job WHERE id BETWEEN 101 AND 150`);
      }
      await q('VACUUM ANALYZE pgautomator.job_run');
      if (counters) await q('VACUUM ANALYZE pgautomator.run_count');
      const sqlMs: number[] = [];
      const totalMs: number[] = [];
      let bytes = 0;
      // One connection for the calls, so that its backend's CPU time (user + system, from
      // /proc/<pid>/stat, in clock ticks of 10 ms) can be read around them: on a shared machine
      // under load, wall-clock times mostly measure the wait for a core.
      const client = await db.pool.connect();
      let cpuMs = Number.NaN;
      try {
        const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
        const backendCpuMs = () => {
          try {
            const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
            return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14, 15)
          } catch {
            return Number.NaN; // not on Linux, or the server is on another host
          }
        };
        let cpu0 = 0;
        for (let i = 0; i < CALLS + 1; i++) {
          if (i === 1) cpu0 = backendCpuMs();
          const t0 = performance.now();
          const { rows: [row] } = await client.query('SELECT pgautomator.metrics() AS m');
          const t1 = performance.now();
          const text = prometheusText(schedulerMetrics(row.m as MetricsPayload));
          const t2 = performance.now();
          if (i === 0) continue; // warm-up
          sqlMs.push(t1 - t0);
          totalMs.push(t2 - t0);
          bytes = text.length;
        }
        cpuMs = (backendCpuMs() - cpu0) / CALLS;
      } finally {
        client.release();
      }
      const { rows: [count] } = await q('SELECT count(*)::int AS n FROM pgautomator.job_run');
      rows.push(`| ${counters ? 'counters (run_count)' : 'history scan'} | ${JOBS.toLocaleString('en')} | ${count.n.toLocaleString('en')} | ${median(sqlMs).toFixed(0)} | ${p95(sqlMs).toFixed(0)} | ${cpuMs.toFixed(0)} | ${median(totalMs).toFixed(0)} | ${(bytes / 1024).toFixed(0)} |`);
      console.error(rows.at(-1));
    }
  } finally {
    await db.drop();
  }
  const { rows: [v] } = await (async () => {
    const d = await createTestDatabase('bench_metrics_v');
    try { return await d.pool.query('SELECT version() AS version'); } finally { await d.drop(); }
  })();
  const table = [
    `### ${new Date().toISOString().slice(0, 16).replace('T', ' ')} (\`npx tsx bench/metrics.ts\`, as printed)`,
    '',
    `Machine: nproc ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, ${os.cpus()[0]?.model ?? ''}; Node ${process.version}; ${String(v.version).split(',')[0]}; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    '',
    `| metrics() reads | jobs | job_run rows | metrics() ms (median of ${CALLS}) | p95 ms | backend CPU ms per call (mean) | with the text, ms | text KiB |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--record')) {
    const readme = path.join(import.meta.dirname, 'README.md');
    writeFileSync(readme, `${readFileSync(readme, 'utf8').trimEnd()}\n\n## Metrics (GET /metrics)\n\n${table}`);
  }
}

await main();
