/**
 * Install bench (`npx tsx bench/install/run.ts [--base REF]`): side by side in one run, the package
 * of REF (default `main`, as it was before the package was built: TypeScript run through tsx,
 * every dependency required), this checkout's package (compiled JavaScript, optional drivers and
 * embedded PostgreSQL optional) and the minimal agent artifact (dist/agent-package):
 *
 * - install time and size from the tarball (`npm pack`, then `npm install --offline` into an empty
 *   prefix from the tarball and the local npm cache: scripts/offline-install.ts), with the optional
 *   dependencies and, for the new package, without them (`--omit=optional`);
 * - idle RSS of `pgautomator agent` from each install (registered, nothing due, after it settled);
 * - CPU per spawned shell step: one run of a job of STEPS shell steps (`true`), the agent's own CPU
 *   time (and its children's, the step processes) divided by the steps.
 *
 * Prints a Markdown report and writes it to bench/results/install-<date>.md. Needs the test
 * database server (PGAUTOMATOR_TEST_DATABASE_URL, as npm test) and git (for REF's tree).
 * PGAUTOMATOR_BENCH_QUICK=1: fewer steps, and the compile-heavy installs with optional
 * dependencies left out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installOffline, npmPack, tarballManifest } from '../../scripts/offline-install.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../../test/support/database.ts';
import { clockTicks, cpuMs, machine, readStat, rssKiB, sleep } from '../agent-bench-support.ts';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { base: { type: 'string', default: 'main' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('Usage: npx tsx bench/install/run.ts [--base REF]   (see the comment at the top of the file)');
  process.exit(0);
}
const quick = process.env.PGAUTOMATOR_BENCH_QUICK === '1';
const STEPS = quick ? 40 : 200;
const work = mkdtempSync(path.join(os.tmpdir(), 'pgat-bench-install-'));

interface Variant {
  label: string;
  tarball: string;
  lockfile: string | undefined;
  installArgs: string[];
  /** The agent command line from the install's prefix. */
  agent: (prefix: string) => string[];
}

interface Measured {
  label: string;
  tarballKiB: number;
  files: number;
  installS: number;
  installedMiB: number;
  packages: number;
  idleRssMiB?: number;
  agentCpuPerStepMs?: number;
  withChildrenCpuPerStepMs?: number;
  note?: string;
}

function fileCount(tarball: string): number {
  return spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n').length;
}

function packageCount(prefix: string): number {
  const lock = JSON.parse(readFileSync(path.join(prefix, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages).length;
}

/** REF's tree (git archive), packed as it is there. */
async function packBase(ref: string): Promise<{ tarball: string; lockfile: string }> {
  const src = path.join(work, 'base-src');
  mkdirSync(src, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git -C "${root}" archive "${ref}" | tar -x -C "${src}"`], { encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
  const manifest = JSON.parse(readFileSync(path.join(src, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (manifest.scripts?.prepack) throw new Error(`${ref} has a prepack step already: compare with an earlier REF (--base)`);
  return { tarball: await npmPack(src, path.join(work, 'packs-base')), lockfile: path.join(src, 'package-lock.json') };
}

function startAgent(command: string[], db: TestDatabase, name: string): ChildProcess {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'PGAUTOMATOR_DATABASE_URL', 'NODE_OPTIONS']) delete env[key];
  return spawn(command[0], [...command.slice(1), '--database-url', db.url, '--name', name, '--spool-file', path.join(work, `${name}.spool`)], {
    cwd: work,
    env,
    stdio: 'ignore',
  });
}

/** Children's CPU (cutime + cstime) of the agent, ms: the step processes it reaped. */
function childrenCpuMs(pid: number): number {
  const stat = readStat(pid);
  return stat ? ((stat.cutime + stat.cstime) * 1000) / clockTicks : 0;
}

async function runJob(db: TestDatabase, job: string): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>('SELECT pgautomator.start_job($1) AS id', [job]);
  const id = Number(rows[0].id);
  return waitFor(
    async () => {
      const run = (await db.pool.query<{ run: { run: { state: string } } }>('SELECT pgautomator.get_run($1) AS run', [id])).rows[0].run.run;
      return ['queued', 'running'].includes(run.state) ? undefined : run.state;
    },
    { timeoutMs: 600_000, intervalMs: 200, what: `run of ${job}` },
  );
}

/** Idle RSS and CPU per step of the agent of one install. */
async function measureAgent(variant: Variant, prefix: string, db: TestDatabase, index: number): Promise<Pick<Measured, 'idleRssMiB' | 'agentCpuPerStepMs' | 'withChildrenCpuPerStepMs'>> {
  const name = `bench-install-${index}`;
  const job = `steps-${index}`;
  await db.pool.query('SELECT pgautomator.create_job($1)', [job]);
  for (let i = 1; i <= STEPS; i++) await db.pool.query(`SELECT pgautomator.add_step($1, $2, 'shell', 'true')`, [job, `s${i}`]);
  const agent = startAgent(variant.agent(prefix), db, name);
  try {
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM pgautomator.agents WHERE name = $1 AND online', [name])).rowCount, { timeoutMs: 120_000, intervalMs: 250, what: `${name} online` });
    await sleep(15_000); // settled: registration, first heartbeats, LISTEN
    const rss = rssKiB(agent.pid!);
    const warm = await runJob(db, job); // warm-up: modules loaded, connections open
    if (warm !== 'succeeded') throw new Error(`the warm-up run of ${job} ended ${warm}`);
    const cpuBefore = cpuMs(agent.pid!)!;
    const childrenBefore = childrenCpuMs(agent.pid!);
    const state = await runJob(db, job);
    if (state !== 'succeeded') throw new Error(`the run of ${job} ended ${state}`);
    const own = (cpuMs(agent.pid!)! - cpuBefore) / STEPS;
    const children = (childrenCpuMs(agent.pid!) - childrenBefore) / STEPS;
    return { idleRssMiB: rss === null ? undefined : rss / 1024, agentCpuPerStepMs: own, withChildrenCpuPerStepMs: own + children };
  } finally {
    agent.kill('SIGTERM');
    await new Promise((resolve) => (agent.exitCode !== null ? resolve(undefined) : agent.once('exit', resolve)));
  }
}

const db = await createTestDatabase('bench_install');
const results: Measured[] = [];
let machineLine = '';
try {
  machineLine = await machine(db);
  console.log(`machine: ${machineLine}`);
  const base = await packBase(values.base!);
  const fresh = await npmPack(root, path.join(work, 'packs-new'));
  const agentTarball = await npmPack(path.join(root, 'dist', 'agent-package'), path.join(work, 'packs-new'));
  const lockfile = path.join(root, 'package-lock.json');
  const variants: Variant[] = [
    ...(quick ? [] : [{ label: `${values.base} as it is (${tarballManifest(base.tarball).version})`, tarball: base.tarball, lockfile: base.lockfile, installArgs: [], agent: (p: string) => [path.join(p, 'node_modules/.bin/pgautomator'), 'agent'] }]),
    ...(quick ? [] : [{ label: 'new package, with optional dependencies', tarball: fresh, lockfile, installArgs: [], agent: (p: string) => [path.join(p, 'node_modules/.bin/pgautomator'), 'agent'] }]),
    { label: 'new package, --omit=optional', tarball: fresh, lockfile, installArgs: ['--omit=optional'], agent: (p) => [path.join(p, 'node_modules/.bin/pgautomator'), 'agent'] },
    { label: 'minimal agent (pgautomator-agent)', tarball: agentTarball, lockfile: undefined, installArgs: [], agent: (p) => [path.join(p, 'node_modules/.bin/pgautomator-agent')] },
  ];
  for (const [index, variant] of variants.entries()) {
    const prefix = path.join(work, `install-${index}`);
    console.log(`installing: ${variant.label} ...`);
    // Generous: with optional dependencies, better-sqlite3 compiles from source offline.
    const installed = await installOffline(prefix, variant.tarball, variant.lockfile, variant.installArgs, 30 * 60_000);
    const row: Measured = {
      label: variant.label,
      tarballKiB: readFileSync(variant.tarball).length / 1024,
      files: fileCount(variant.tarball),
      installS: installed.ms / 1000,
      installedMiB: installed.bytes / 2 ** 20,
      packages: packageCount(prefix),
    };
    if (/compil|node-gyp/i.test(installed.output)) row.note = 'compiled better-sqlite3';
    console.log(`  ${row.installS.toFixed(1)} s, ${row.installedMiB.toFixed(1)} MiB; measuring its agent ...`);
    Object.assign(row, await measureAgent(variant, prefix, db, index));
    console.log(`  ${JSON.stringify(row)}`);
    results.push(row);
    rmSync(prefix, { recursive: true, force: true });
  }
} finally {
  await db.drop();
  rmSync(work, { recursive: true, force: true });
}

const f = (n: number | undefined, digits = 1) => (n === undefined ? '?' : n.toFixed(digits));
const report = `# Install bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`npx tsx bench/install/run.ts --base ${values.base}\`${quick ? ' (PGAUTOMATOR_BENCH_QUICK=1)' : ''}; machine: ${machineLine}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}.
Installs are offline (tarball + local npm cache, scripts/offline-install.ts), one after the other. Idle RSS: the agent registered, nothing due, 15 s after it came online.
CPU per step: one run of a job of ${STEPS} shell steps (\`true\`), after a warm-up run; "agent" is the agent process alone, "with steps" adds the step processes it reaped.

| what | tarball KiB | files | install s | installed MiB | packages | idle RSS MiB | CPU/step ms (agent) | CPU/step ms (with steps) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${results.map((r) => `| ${r.label}${r.note ? ` (${r.note})` : ''} | ${f(r.tarballKiB, 0)} | ${r.files} | ${f(r.installS)} | ${f(r.installedMiB)} | ${r.packages} | ${f(r.idleRssMiB)} | ${f(r.agentCpuPerStepMs, 2)} | ${f(r.withChildrenCpuPerStepMs, 2)} |`).join('\n')}

Targets (issue 14): install under 15 s and under 20 MB without optional drivers; idle RSS under 50 MiB.
`;
console.log(`\n${report}`);
const resultsDir = path.join(root, 'bench', 'results');
if (!existsSync(resultsDir)) mkdirSync(resultsDir);
const file = path.join(resultsDir, `install-${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.md`);
writeFileSync(file, report);
console.log(`written to ${path.relative(root, file)}`);
