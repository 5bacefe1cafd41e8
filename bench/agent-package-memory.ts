/**
 * Minimal agent memory (`npx tsx bench/agent-package-memory.ts [--base REF] [--steps N] [--rounds N]
 * [--variant 'label=node flags|ENV=value ...']...`): the idle RSS of the built minimal agent
 * (dist/agent-package, `npm run pack:agent` builds it) and its CPU per shell step, for REF's
 * bundle (built in a temporary worktree; default `main`) and this checkout's, each under the V8/Node
 * flags and environment variables of every --variant, one after the other against one database.
 *
 * Idle RSS: the agent registered, nothing due, 10 s after it came online, then 40 readings of
 * VmRSS 0.5 s apart: their median, min and max (one reading moves by 2 MiB with the garbage
 * collector's rhythm, hence the window); the agent's private memory (smaps_rollup Private_*: RSS
 * less the node binary's pages, which all node processes share), and the same two of its step
 * guardian, a second node process it starts (agent/src/guardian). CPU per step: as bench/install/run.ts, one run of a job
 * of N shell steps (`true`) after a warm-up run. The agent is started as `node <flags> bin.js`,
 * which is what the installed command runs (its shebang) plus the flags.
 *
 * The breakdown of what an idle agent holds (process.memoryUsage(), /proc/self/smaps_rollup, the
 * built-in modules loaded) was read with a preload (`node --import probe.mjs`), recorded in
 * bench/results/agent-package-memory-2026-12-05.md; this script measures, it does not explain.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase, waitFor, type TestDatabase } from '../test/support/database.ts';
import { clockTicks, cpuMs, loadNow, machine, readStat, rssKiB, sleep } from './agent-bench-support.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'main' },
    steps: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    variant: { type: 'string', multiple: true, default: [] },
  },
});
const steps = Number(values.steps);
const work = mkdtempSync(path.join(os.tmpdir(), 'pgat-bench-agent-memory-'));

interface Variant {
  label: string;
  bin: string;
  nodeFlags: string[];
  env: Record<string, string>;
}

/** "label=--flag ENV=value ..." */
function parseVariant(text: string, bin: string, prefix: string): Variant {
  const [label, spec = ''] = text.split(/=(.*)/s, 2);
  const words = spec.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(words.filter((w) => !w.startsWith('-')).map((w) => w.split(/=(.*)/s, 2) as [string, string]));
  return { label: `${prefix}, ${label}`, bin, nodeFlags: words.filter((w) => w.startsWith('-')), env };
}

/** REF's minimal agent, built in a temporary worktree. */
function buildBase(ref: string): string {
  const tree = path.join(work, 'base');
  const git = spawnSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, ref], { encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git worktree add ${ref}: ${git.stderr}`);
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-package.ts', '--agent-only'], { cwd: tree, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`building ${ref}'s minimal agent failed`);
  return path.join(tree, 'dist/agent-package/bin.js');
}

/** Private (unshared) resident memory of a process, MiB: what it costs beyond the pages of the node binary that every node process shares. */
function privateMiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
  return (kib('Private_Dirty') + kib('Private_Clean')) / 1024;
}

/** The agent's step guardian (agent/src/guardian): its child running guardian-process.mjs. */
function guardianOf(pid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || readStat(Number(entry))?.ppid !== pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('guardian-process.mjs')) return Number(entry);
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

async function runJob(db: TestDatabase): Promise<void> {
  const id = Number((await db.pool.query('SELECT pgautomator.start_job($1) AS id', ['steps'])).rows[0].id);
  const state = await waitFor(
    async () => {
      const run = (await db.pool.query('SELECT pgautomator.get_run($1) AS r', [id])).rows[0].r.run as { state: string };
      return ['queued', 'running'].includes(run.state) ? undefined : run.state;
    },
    { timeoutMs: 600_000, intervalMs: 200, what: 'the run of steps' },
  );
  if (state !== 'succeeded') throw new Error(`the run ended ${state}`);
}

async function measure(db: TestDatabase, variant: Variant, name: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...variant.env };
  for (const key of ['DATABASE_URL', 'PGAUTOMATOR_DATABASE_URL', 'NODE_OPTIONS']) if (!(key in variant.env)) delete env[key];
  const child = spawn(process.execPath, [...variant.nodeFlags, variant.bin, '--database-url', db.url, '--name', name, '--spool-file', path.join(work, `${name}.spool`)], { env, stdio: 'ignore' });
  try {
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM pgautomator.agents WHERE name = $1 AND online', [name])).rowCount, { timeoutMs: 60_000, intervalMs: 250, what: `${name} online` });
    await sleep(10_000);
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      samples.push(rssKiB(child.pid!)! / 1024);
      await sleep(500);
    }
    samples.sort((a, b) => a - b);
    const own = privateMiB(child.pid!);
    const guardian = guardianOf(child.pid!);
    const guardianText = guardian ? `${(rssKiB(guardian)! / 1024).toFixed(1)} / ${privateMiB(guardian).toFixed(1)}` : '?';
    let cpu = '| | |';
    if (steps > 0) {
      await runJob(db); // warm-up
      const own0 = cpuMs(child.pid!)!;
      const kids0 = readStat(child.pid!)!;
      await runJob(db);
      const agentCpu = (cpuMs(child.pid!)! - own0) / steps;
      const kids1 = readStat(child.pid!)!;
      const kids = ((kids1.cutime + kids1.cstime - kids0.cutime - kids0.cstime) * 1000) / clockTicks / steps;
      cpu = `| ${agentCpu.toFixed(2)} | ${(agentCpu + kids).toFixed(2)} |`;
    }
    return `| ${variant.label} | ${samples[20].toFixed(1)} | ${samples[0].toFixed(1)} | ${samples[39].toFixed(1)} | ${own.toFixed(1)} | ${guardianText} ${cpu}`;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}

const current = path.join(root, 'dist/agent-package/bin.js');
if (!existsSync(current)) throw new Error('no dist/agent-package: run `npx tsx scripts/build-package.ts --agent-only` first');
const db = await createTestDatabase('bench_agent_memory');
const rows: string[] = [];
try {
  console.log(`machine: ${await machine(db)}`);
  const base = buildBase(values.base!);
  const specs = ['as built=', ...values.variant!];
  const variants = [parseVariant('as built=', base, values.base!), ...specs.map((s) => parseVariant(s, current, 'this checkout'))];
  if (steps > 0) {
    await db.pool.query("SELECT pgautomator.create_job('steps')");
    for (let i = 1; i <= steps; i++) await db.pool.query(`SELECT pgautomator.add_step('steps', $1, 'shell', 'true')`, [`s${i}`]);
  }
  let n = 0;
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const variant of variants) {
      const row = await measure(db, variant, `mem-${n++}`);
      console.log(row);
      rows.push(row);
    }
  }
} finally {
  await db.drop();
  spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', path.join(work, 'base')]);
  rmSync(work, { recursive: true, force: true });
}
console.log(`load average at the end: ${loadNow()}

| agent, flags | idle RSS MiB (median) | min | max | private MiB | guardian RSS / private MiB | CPU/step ms (agent) | CPU/step ms (with steps) |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}`);
