/**
 * Where the database's time goes while one of our scenarios runs, per statement, nested ones
 * included (pg_stat_statements, track = all): with PGAUTOMATOR_BENCH_STATEMENTS=1 the bench cluster
 * preloads it (clusterSettings) and the herd scenario adds this profile to the report. Times are
 * wall time in the executor and planner, so read them as shares; the calls are exact. Off by
 * default: tracking every nested statement costs the measured scheduler some CPU.
 */
import type pg from 'pg';

export const statementsWanted = process.env.PGAUTOMATOR_BENCH_STATEMENTS === '1';

export async function startStatementProfile(pool: pg.Pool): Promise<{ stop(label: string, runs: number): Promise<string> } | undefined> {
  if (!statementsWanted) return undefined;
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await pool.query('SELECT pg_stat_statements_reset()');
  return {
    async stop(label, runs) {
      const { rows } = await pool.query(
        `SELECT calls, total_exec_time + total_plan_time AS ms, plans, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time + total_plan_time DESC LIMIT 14`,
      );
      const per = (x: number) => (x / Math.max(1, runs)).toFixed(2);
      const lines = rows.map((r) => `${per(Number(r.calls))} calls, ${per(Number(r.plans))} plans, ${((Number(r.ms) * 1000) / Math.max(1, runs)).toFixed(0)} µs per run: \`${String(r.query).replace(/\|/g, '\\|')}\``);
      return `${label} (pg_stat_statements, nested statements included, per run of ${runs.toLocaleString('en-US')}): ${lines.join('; ')}.`;
    },
  };
}
