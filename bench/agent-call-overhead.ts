/**
 * What a call of the agent costs now that its server-side deadline is a SET LOCAL in the call's
 * own transaction (`BEGIN; SET LOCAL ...`, the call, `COMMIT`: two more round trips) instead of
 * startup `options` that PgBouncer refuses (`npx tsx bench/agent-call-overhead.ts`). Times
 * agent_heartbeat, wall clock per call, median and 95th percentile over PGAUTOMATOR_BENCH_CALLS
 * (default 2000) calls of each after 200 warm-up calls, the three ways interleaved:
 * - before: one autocommit statement on a connection opened with `options` (direct only);
 * - now, direct to the server;
 * - now, through Debian's PgBouncer in transaction pooling (test/support/pgbouncer.ts).
 */
import pg from 'pg';
import { createAgentApi } from '../agent/src/db/api.ts';
import { withDeadline } from '../agent/src/db/call-deadline.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { startPgbouncer } from '../test/support/pgbouncer.ts';
import { machine } from './agent-bench-support.ts';

const CALLS = Number(process.env.PGAUTOMATOR_BENCH_CALLS ?? 2000);
const db = await createTestDatabase('bench_call_overhead');
const bouncer = await startPgbouncer('transaction');
const pools: pg.Pool[] = [];
try {
  console.log(`machine: ${await machine(db)}`);
  const pool = (url: string, options?: string) => {
    const p = new pg.Pool({ connectionString: url, max: 1, ...(options ? { options } : {}) });
    pools.push(p);
    return p;
  };
  const ways: Array<[string, ReturnType<typeof createAgentApi>]> = [
    ['before: autocommit, startup options (direct)', createAgentApi(pool(db.url, '-c jit=off -c statement_timeout=7000'), 'bench')],
    ['now: BEGIN; SET LOCAL; call; COMMIT (direct)', createAgentApi(withDeadline(pool(db.url), 5_000), 'bench')],
    ['now: the same through PgBouncer (transaction pooling)', createAgentApi(withDeadline(pool(bouncer.via(db.url)), 5_000), 'bench')],
  ];
  await ways[1]![1].register({ host: 'bench', os: 'linux', version: 'bench', tags: [], maxConcurrent: 1, heartbeatInterval: 3600, resumeRuns: [] });
  console.log(`\n| agent_heartbeat | median ms | p95 ms |\n|---|---:|---:|`);
  for (const [, api] of ways) for (let i = 0; i < 200; i++) await api.heartbeat([]);
  // Interleaved, so that the machine's load drifts over all three alike.
  const times: number[][] = ways.map(() => []);
  for (let i = 0; i < CALLS; i++) {
    for (const [w, [, api]] of ways.entries()) {
      const started = process.hrtime.bigint();
      await api.heartbeat([]);
      times[w]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  for (const [w, [label]] of ways.entries()) {
    const sorted = times[w]!.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3);
    console.log(`| ${label} | ${at(0.5)} | ${at(0.95)} |`);
  }
} finally {
  await Promise.all(pools.map((p) => p.end()));
  await bouncer.stop();
  await db.drop();
}
