/**
 * pgAutomator in the comparison: the extension installed by the CLI's plain route (so it is always
 * this checkout's extension-build), jobs made through its SQL API only, and real agents started
 * through their CLI as child processes. Nothing here knows the agent's or the claim's internals,
 * so the other teams' improvements show up when the comparison is rerun.
 *
 * Each job has one step of kind `sql` on a connection pointing at the bench database; the step is
 * the shared no-op INSERT of fire-log.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { installExtension } from '../../cli/extension-installer.ts';
import type { BenchCluster } from './cluster.ts';
import { fireSqlExpression } from './fire-log.ts';
import { pollUntil } from './latency-stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const agentCli = path.join(root, 'agent/src/cli.ts');

/** Two agents of 16 concurrent runs each: 32 at once, as pg_cron's default cron.max_running_jobs. */
export const AGENTS = 2;
export const MAX_CONCURRENT = 16;
export const HEARTBEAT_S = 10;

export interface RunningAgent {
  name: string;
  child: ChildProcess;
  output: string[];
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

export class Ours {
  private agents: RunningAgent[] = [];

  constructor(
    private readonly cluster: BenchCluster,
    private readonly pool: pg.Pool,
  ) {}

  async install(): Promise<string> {
    const client = await this.pool.connect();
    try {
      const { version } = await installExtension(client, { method: 'plain' });
      // The connection SQL steps run on: the bench database itself (trust authentication, no secret).
      await client.query("SELECT pgautomator.create_connection('bench', 'postgres', $1)", [this.cluster.url()]);
      return version;
    } finally {
      client.release();
    }
  }

  /** n jobs, job i on its own schedule firing every minute at second i mod 60. */
  async createSpread(prefix: string, n: number): Promise<void> {
    const specs = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ type: 'daily', start_date: todayUtc(), time_zone: 'UTC', sub: { type: 'every', every: 1, unit: 'minute', start_time: `00:00:${String((i + 1) % 60).padStart(2, '0')}` } }),
    );
    const q = this.pool;
    await q.query('SELECT pgautomator.create_schedule($1 || i, ($2::jsonb[])[i]) FROM generate_series(1, $3::int) i', [prefix, specs, n]);
    await q.query('SELECT pgautomator.create_job($1 || i) FROM generate_series(1, $2::int) i', [prefix, n]);
    await q.query(
      `SELECT pgautomator.add_step($1 || i, 'fire', 'sql', ${fireSqlExpression.spread("'ours'", "$1 || i", 'i % 60')}, connection => 'bench')
         FROM generate_series(1, $2::int) i`,
      [prefix, n],
    );
    await q.query('SELECT pgautomator.attach_schedule($1 || i, $1 || i) FROM generate_series(1, $2::int) i', [prefix, n]);
  }

  /** n jobs on one schedule firing once at `at` (misfire grace wide enough never to skip one). */
  async createHerd(prefix: string, n: number, at: Date): Promise<void> {
    const spec = { type: 'once', date: at.toISOString().slice(0, 10), time_zone: 'UTC', sub: { type: 'once', time: at.toISOString().slice(11, 19) } };
    const q = this.pool;
    await q.query('SELECT pgautomator.create_schedule($1, $2)', [prefix, JSON.stringify(spec)]);
    await q.query("SELECT pgautomator.create_job($1 || i, misfire_grace => '1 hour') FROM generate_series(1, $2::int) i", [prefix, n]);
    await q.query(
      `SELECT pgautomator.add_step($1 || i, 'fire', 'sql', ${fireSqlExpression.herd("'ours'", "$1 || i", '$3::text')}, connection => 'bench')
         FROM generate_series(1, $2::int) i`,
      [prefix, n, at.toISOString()],
    );
    await q.query('SELECT pgautomator.attach_schedule($1 || i, $1) FROM generate_series(1, $2::int) i', [prefix, n]);
  }

  /**
   * Runs `n` no-op SQL runs through the running agents (`jobs` jobs started n / jobs times each,
   * through start_job) and waits for them to end: agents in service have run work before a herd
   * meets them, so their code is compiled by V8 and their database sessions have their plans.
   * Agents started seconds before the instant spent about twice the CPU per run in a herd of
   * 1,000 (830-1,010 µs) as in the herd of 10,000 that followed (385-402 µs).
   */
  async warmUp(label: string, n: number, jobs = 50): Promise<void> {
    const q = this.pool;
    await q.query("SELECT pgautomator.create_job($1 || i, overlap => 'allow') FROM generate_series(1, $2::int) i", [label, jobs]);
    await q.query("SELECT pgautomator.add_step($1 || i, 'noop', 'sql', 'SELECT 1', connection => 'bench') FROM generate_series(1, $2::int) i", [label, jobs]);
    await q.query('SELECT pgautomator.start_job($1 || (1 + k % $2)) FROM generate_series(0, $3::int - 1) k', [label, jobs, n]);
    const unfinished = async () =>
      (await q.query("SELECT count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE $1 || '%' AND r.finished_at IS NULL", [label])).rows[0].n as number;
    if (!(await pollUntil(async () => (await unfinished()) === 0, 120_000, 200))) {
      throw new Error(`warm-up: ${await unfinished()} of ${n} runs not ended after 120 s`);
    }
    await this.disableJobs(label, jobs);
  }

  /** n jobs each on its own daily schedule at a time hours away from now: none due in the window. */
  async createIdle(prefix: string, n: number): Promise<void> {
    const later = new Date(Date.now() + 6 * 3600_000).toISOString().slice(11, 16);
    const spec = JSON.stringify({ type: 'daily', start_date: todayUtc(), time_zone: 'UTC', sub: { type: 'once', time: later } });
    const q = this.pool;
    await q.query('SELECT pgautomator.create_schedule($1 || i, $2) FROM generate_series(1, $3::int) i', [prefix, spec, n]);
    await q.query('SELECT pgautomator.create_job($1 || i) FROM generate_series(1, $2::int) i', [prefix, n]);
    await q.query(`SELECT pgautomator.add_step($1 || i, 'fire', 'sql', ${fireSqlExpression.spread("'ours'", "$1 || i", '0')}, connection => 'bench') FROM generate_series(1, $2::int) i`, [prefix, n]);
    await q.query('SELECT pgautomator.attach_schedule($1 || i, $1 || i) FROM generate_series(1, $2::int) i', [prefix, n]);
  }

  /** Isolation: a finished scenario's jobs fire no more (through the API, as an operator would). */
  async disableJobs(prefix: string, n: number): Promise<void> {
    await this.pool.query("SELECT pgautomator.disable_job($1 || i, 'benchmark scenario over') FROM generate_series(1, $2::int) i", [prefix, n]);
  }

  /** Starts the agents through their CLI and waits until each has registered (state online). */
  async startAgents(label: string): Promise<void> {
    for (let i = 0; i < AGENTS; i++) {
      const name = `${label}-${i + 1}`;
      const child = spawn(
        process.execPath,
        [
          '--import', 'tsx', agentCli,
          '--database-url', this.cluster.url(),
          '--name', name,
          '--max-concurrent', String(MAX_CONCURRENT),
          '--heartbeat-interval', String(HEARTBEAT_S),
          '--spool-file', path.join(this.cluster.root, `${name}.spool`),
          '--log-format', 'json',
          '--log-level', 'warn',
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const agent: RunningAgent = { name, child, output: [] };
      // Keep the last lines only: warnings are what we report; 10,000 runs must not grow memory.
      const keep = (chunk: Buffer) => {
        agent.output.push(...chunk.toString().split('\n').filter(Boolean));
        if (agent.output.length > 200) agent.output.splice(0, agent.output.length - 200);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      this.agents.push(agent);
    }
    const names = this.agents.map((a) => a.name);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await this.pool.query("SELECT count(*)::int AS n FROM pgautomator.agent WHERE name = ANY ($1) AND state = 'online'", [names]);
      if (rows[0].n === names.length) return;
      const dead = this.agents.find((a) => a.child.exitCode !== null);
      if (dead || Date.now() > deadline) {
        throw new Error(`agent ${dead?.name ?? names.join(', ')} did not register: ${(dead ?? this.agents[0]).output.slice(-10).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  agentPids(): number[] {
    return this.agents.map((a) => a.child.pid!).filter(Boolean);
  }

  /** Warnings and errors the agents logged (their last lines), for the report. */
  agentComplaints(): string[] {
    return this.agents.flatMap((a) => a.output.map((line) => `${a.name}: ${line}`));
  }

  /** SIGTERM, then SIGKILL after 20 s; resolves when every agent has exited. */
  async stopAgents(): Promise<string[]> {
    const complaints = this.agentComplaints();
    await Promise.all(
      this.agents.map(async (a) => {
        if (a.child.exitCode !== null || a.child.signalCode !== null) return;
        const exited = new Promise((resolve) => a.child.once('exit', resolve));
        a.child.kill('SIGTERM');
        const timer = setTimeout(() => a.child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.agents = [];
    return complaints;
  }
}
