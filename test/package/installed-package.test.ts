/**
 * Installed, not checked out: `npm pack` (which builds through prepack), then the tarball installed
 * into an empty prefix OFFLINE (from the tarball and the local npm cache: scripts/offline-install.ts)
 * and used from there, as a user would, with no checkout, no tsx and no Vite on the path:
 * - the `pgautomator` package (without its optional dependencies: the SQL drivers other than
 *   PostgreSQL and the embedded PostgreSQL of `start`): `pgautomator install` into a fresh
 *   database, `pgautomator agent` runs a job of a shell and a SQL step, `pgautomator ui` serves a
 *   console whose component bundle loads in Chromium;
 * - the minimal agent (`pgautomator-agent`, dist/agent-package): the same job, and a step on a
 *   MySQL connection fails naming the package to install (mysql2 is an optional peer).
 *
 * pgautomator-test-timeout: 300
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { anyFreePort } from '../../cli/free-port.ts';
import { installOffline, npmPack, runCommand } from '../../scripts/offline-install.ts';
import { waitFor } from '../support/database.ts';
import { createEmptyDatabase, inDatabase, onServer, root, urlAs, type EmptyDatabase } from '../cli/support/cli.ts';
import { launchBrowser } from '../ui/support/browser.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-installed-'));
const agentRole = `pgat_pkg_agent_${process.pid}`;
let db: EmptyDatabase;
let fullBin: string;
let agentBin: string;
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** An installed command as a long-running child (agent, ui), in a clean environment. */
function launch(command: string, args: string[]): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of ['DATABASE_URL', 'PGAUTOMATOR_DATABASE_URL', 'NODE_OPTIONS']) delete env[key];
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A job of a shell step and a SQL step (on a PostgreSQL connection to this database), started. */
async function startJob(name: string, extraSteps: (client: pg.Client) => Promise<void> = async () => undefined): Promise<number> {
  return inDatabase(db.url, async (client) => {
    await client.query(`SELECT pgautomator.create_job($1)`, [name]);
    await client.query(`SELECT pgautomator.add_step($1, 'shell', 'shell', $2)`, [name, `echo shell-says-${name}`]);
    await client.query(`SELECT pgautomator.add_step($1, 'sql', 'sql', 'SELECT 6 * 7 AS answer', connection => 'this-db')`, [name]);
    await extraSteps(client);
    const { rows } = await client.query<{ id: string }>(`SELECT pgautomator.start_job($1) AS id`, [name]);
    return Number(rows[0].id);
  });
}

interface RunJson {
  run: { state: string; agent: string | null; message: string | null };
  steps: { step: string; state: string; output: string | null; message: string | null }[];
}

async function finishedRun(id: number, agent: Running): Promise<RunJson> {
  return waitFor(
    () =>
      inDatabase(db.url, async (client) => {
        if (agent.child.exitCode !== null) throw new Error(`the agent exited (${agent.child.exitCode}):\n${agent.output()}`);
        const { rows } = await client.query<{ run: RunJson }>(`SELECT pgautomator.get_run($1) AS run`, [id]);
        const run = rows[0].run;
        return ['queued', 'running'].includes(run.run.state) ? undefined : run;
      }),
    { timeoutMs: 60_000, intervalMs: 250, what: `run ${id} to finish` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- agent output ---\n${agent.output()}`);
  });
}

test.before(async () => {
  const packs = path.join(dir, 'packs');
  // Builds dist/ (prepack) and packs the package; the minimal agent is built by the same step.
  const startedAt = performance.now();
  const full = await npmPack(root, packs);
  const agent = await npmPack(path.join(root, 'dist', 'agent-package'), packs);
  const packedAt = performance.now();
  const lockfile = path.join(root, 'package-lock.json');
  // Optional dependencies left out: offline, better-sqlite3 would compile from source.
  await Promise.all([installOffline(path.join(dir, 'full'), full, lockfile, ['--omit=optional']), installOffline(path.join(dir, 'agent'), agent, undefined)]);
  console.log(`# npm pack (with the prepack build) ${((packedAt - startedAt) / 1000).toFixed(1)} s, offline installs ${((performance.now() - packedAt) / 1000).toFixed(1)} s`);
  fullBin = path.join(dir, 'full', 'node_modules', '.bin', 'pgautomator');
  agentBin = path.join(dir, 'agent', 'node_modules', '.bin', 'pgautomator-agent');
  db = await createEmptyDatabase('pkg');
  await onServer((client) => client.query(`CREATE ROLE ${agentRole} LOGIN`));
});

test.after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.drop();
  await onServer((client) => client.query(`DROP ROLE IF EXISTS ${agentRole}`)).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('the package holds what running needs and nothing else; no TypeScript runtime is installed', () => {
  const installed = path.join(dir, 'full', 'node_modules');
  const pkg = path.join(installed, 'pgautomator');
  assert.equal(readdirSync(pkg).sort(), ['README.md', 'dist', 'package.json']);
  for (const file of ['dist/cli/bin.js', 'dist/extension-build/pgautomator.control', 'dist/web-components/dist/pgautomator-components.js']) {
    assert.ok(existsSync(path.join(pkg, file)), `${file} is in the package`);
  }
  assert.not.ok(existsSync(path.join(pkg, 'dist', 'agent-package')), 'the minimal agent is its own package');
  for (const devOnly of ['tsx', 'typescript', 'vite', 'lit', 'esbuild', 'uvu']) assert.not.ok(existsSync(path.join(installed, devOnly)), `${devOnly} is not installed`);
  assert.equal(readdirSync(path.join(dir, 'agent', 'node_modules')).filter((name) => !name.startsWith('.')), ['pgautomator-agent'], 'the minimal agent installs no dependency');
});

test('installed pgautomator: install into a fresh database, an agent runs a shell and a SQL step', async () => {
  await runCommand(fullBin, ['install', '--database-url', db.url, '--grant-agent', agentRole], { cwd: dir, timeoutMs: 60_000 }); // rejects unless exit 0
  await inDatabase(db.url, (client) => client.query(`SELECT pgautomator.create_connection('this-db', 'postgres', $1)`, [db.url]));
  const runId = await startJob('installed-job');
  const agent = launch(fullBin, ['agent', '--database-url', urlAs(db.url, agentRole), '--name', 'installed-agent', '--spool-file', path.join(dir, 'installed.spool')]);
  try {
    const run = await finishedRun(runId, agent);
    assert.is(run.run.state, 'succeeded', JSON.stringify(run));
    assert.is(run.run.agent, 'installed-agent');
    assert.match(run.steps.find((s) => s.step === 'shell')?.output ?? '', 'shell-says-installed-job');
    assert.match(run.steps.find((s) => s.step === 'sql')?.output ?? '', '42');
  } finally {
    await agent.stop();
  }
});

test('installed pgautomator ui: serves the console, whose component bundle loads in Chromium', async () => {
  const port = await anyFreePort();
  const ui = launch(fullBin, ['ui', '--database-url', db.url, '--port', String(port)]);
  const browser = await launchBrowser();
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitFor(
      async () => {
        if (ui.child.exitCode !== null) throw new Error(`pgautomator ui exited (${ui.child.exitCode}):\n${ui.output()}`);
        return (await fetch(url).then((res) => res.status, () => 0)) === 200;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'pgautomator ui to answer' },
    );
    const bundle = await fetch(`${url}pgautomator-components.js`);
    assert.is(bundle.status, 200, 'the bundle is served');
    await browser.page.goto(url);
    // The bundle ran: the console element is defined and shows its login form.
    await browser.page.waitForFunction(() => customElements.get('pga-console') !== undefined);
    await browser.page.getByLabel('Database role').waitFor();
    assert.equal(browser.errors, [], 'no error in the page');
  } finally {
    await browser.close();
    await ui.stop();
  }
});

test('minimal agent artifact: runs a shell and a SQL step; a MySQL step names the package it needs', async () => {
  const runId = await startJob('artifact-job', async (client) => {
    await client.query(`SELECT pgautomator.create_connection('a-mysql', 'mysql', 'mysql://app@127.0.0.1/none')`);
    await client.query(`SELECT pgautomator.add_step('artifact-job', 'mysql', 'sql', 'SELECT 1', connection => 'a-mysql')`);
  });
  const agent = launch(agentBin, ['--database-url', urlAs(db.url, agentRole), '--name', 'artifact-agent', '--spool-file', path.join(dir, 'artifact.spool')]);
  try {
    const run = await finishedRun(runId, agent);
    assert.is(run.run.agent, 'artifact-agent');
    const byName = Object.fromEntries(run.steps.map((s) => [s.step, s]));
    assert.is(byName.shell?.state, 'succeeded', JSON.stringify(run));
    assert.match(byName.shell?.output ?? '', 'shell-says-artifact-job');
    assert.is(byName.sql?.state, 'succeeded', JSON.stringify(run));
    assert.match(byName.sql?.output ?? '', '42');
    assert.is(byName.mysql?.state, 'failed');
    assert.match(byName.mysql?.message ?? '', /needs the npm package mysql2/);
  } finally {
    await agent.stop();
  }
});

test.run();
