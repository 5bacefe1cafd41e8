/**
 * Idle cost (`npx tsx bench/agent-idle.ts`): one agent with default settings (heartbeat 10 s),
 * no jobs due, for PGAUTOMATOR_BENCH_SECONDS (default 120) after it settled. Counts the API
 * functions it calls, from pg_stat_user_functions (track_functions = 'pl' on the benchmark
 * database; pg_stat_statements is not loaded on this server), and reads its resident memory.
 * A second round gives the agent SMTP settings (mail delivery adds claim_notifications).
 */
import { createTestDatabase } from '../test/support/database.ts';
import { cleanup, startAgent } from '../test/agent/support.ts';
import { loadNow, machine, rssKiB, sleep } from './agent-bench-support.ts';

const SECONDS = Number(process.env.PGAUTOMATOR_BENCH_SECONDS ?? 120);
const protocol = ['register_agent', 'agent_heartbeat', 'claim_runs', 'begin_step', 'log_step', 'end_step', 'end_run', 'agent_stop', 'claim_notifications', 'notification_sent', 'notification_failed'];

const db = await createTestDatabase('bench_idle');
try {
  console.log(`machine: ${await machine(db)}`);
  await db.pool.query(`ALTER DATABASE ${db.name} SET track_functions = 'pl'`);
  // A job with a daily schedule far from now: the agent knows a next fire (next_due_in) but none is due.
  await db.pool.query(`SELECT pgautomator.create_schedule('yearly', '{"type":"once","date":"2099-01-01"}')`);
  await db.pool.query("SELECT pgautomator.create_job('later')");
  await db.pool.query("SELECT pgautomator.add_step('later', 'noop', 'shell', 'true')");
  await db.pool.query("SELECT pgautomator.attach_schedule('later', 'yearly')");
  const counts = async () => {
    const { rows } = await db.pool.query('SELECT funcname, calls::int FROM pg_stat_user_functions WHERE schemaname = $1 AND funcname = ANY ($2)', ['pgautomator', protocol]);
    return Object.fromEntries(rows.map((r) => [r.funcname, r.calls])) as Record<string, number>;
  };
  for (const round of ['no SMTP', 'with SMTP settings']) {
    const name = round === 'no SMTP' ? 'idle-a' : 'idle-b';
    let agent = startAgent(db, { name, args: ['--heartbeat-interval', '10'] });
    await agent.waitForLog((l) => l.msg === 'registered', 'registered', 60_000);
    if (round !== 'no SMTP') {
      // SMTP settings are read at registration: set them, then start the agent again.
      await agent.stop();
      await db.pool.query("SELECT pgautomator.set_agent_smtp($1, '127.0.0.1', 2525, 'none', \"from\" => 'agent@example.com')", [name]);
      agent = startAgent(db, { name, args: ['--heartbeat-interval', '10'] });
      await agent.waitForLog((l) => l.msg === 'registered', 'registered', 60_000);
    }
    await sleep(15_000); // settled: registration, first heartbeat, LISTEN
    await db.pool.query('SELECT pg_stat_clear_snapshot()');
    const before = await counts();
    const started = Date.now();
    await sleep(SECONDS * 1000);
    await sleep(1500); // statistics are flushed by the backends about once a second
    const after = await counts();
    const minutes = (Date.now() - started - 1500) / 60_000;
    const calls = protocol.map((f) => [f, (after[f] ?? 0) - (before[f] ?? 0)] as const).filter(([, n]) => n > 0);
    const total = calls.reduce((sum, [, n]) => sum + n, 0);
    const rss = rssKiB(agent.child.pid!);
    console.log(`${round}: ${total} API calls in ${(minutes * 60).toFixed(0)} s = ${(total / minutes).toFixed(1)} per minute (${calls.map(([f, n]) => `${f} ${n}`).join(', ') || 'none'}); RSS ${rss ? (rss / 1024).toFixed(1) : '?'} MiB`);
    await agent.stop();
  }
  console.log(`load average at the end: ${loadNow()}`);
} finally {
  await cleanup();
  await db.drop();
}
