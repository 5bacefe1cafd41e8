/**
 * `npm test`: every suite of the project, one summary line at the end.
 *
 *   npm test                 all suites
 *   npm test -- engine agent only test files whose path contains one of the words
 *
 * Suites: generated files are fresh (each generator's --check), the TypeScript type check, every
 * uvu file (`*.test.ts`, each in its own process), and every pgTAP file (`pgtap/*.sql`, each in its
 * own fresh database through pg_prove). The last line reads `N passed, N failed`: uvu's assertions
 * plus pgTAP's assertions plus one per check.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureTestPrerequisites } from './test-prerequisites.ts';
import { createTestDatabase } from '../test/support/database.ts';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const concurrency = Number(process.env.PGAUTOMATOR_TEST_CONCURRENCY ?? 2);

interface Outcome {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
  ms: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
  });
}

function findFiles(dir: string, match: (file: string) => boolean, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.') || entry === 'extension-build' || entry === 'dist') continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findFiles(full, match, found);
    else if (match(full)) found.push(full);
  }
  return found.sort();
}

// Words match the path inside the checkout: a checkout in /work/wt/backup must not match every file.
const wanted = (file: string) => filters.length === 0 || filters.some((word) => path.relative(root, file).includes(word));

/** A check counts as one test: it passes when its command exits 0. */
async function check(name: string, command: string, args: string[]): Promise<Outcome> {
  const started = Date.now();
  const { code, output } = await run(command, args);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, output, ms: Date.now() - started };
}

async function uvuFile(file: string): Promise<Outcome> {
  const started = Date.now();
  const { code, output } = await run(process.execPath, ['--import', 'tsx', file]);
  const total = /Total:\s+(\d+)/.exec(output);
  const passed = /Passed:\s+(\d+)/.exec(output);
  const skipped = /Skipped:\s+(\d+)/.exec(output);
  let p = passed ? Number(passed[1]) : 0;
  // uvu's Total counts the tests that ran: skipped ones are outside it, in Skipped.
  let f = total ? Number(total[1]) - p : 0;
  // A file that crashed before its summary, or exited non-zero with all passing, counts one failure.
  if (code !== 0 && f === 0) f = 1;
  if (!total && code === 0) f = 1; // ran no test: that is a failure of the file
  return { name: path.relative(root, file), passed: p, failed: f, skipped: skipped ? Number(skipped[1]) : 0, output, ms: Date.now() - started };
}

async function pgtapFile(file: string): Promise<Outcome> {
  const started = Date.now();
  const db = await createTestDatabase(`tap_${path.basename(file, '.sql')}`);
  try {
    const url = new URL(db.url);
    const { code, output } = await run('pg_prove', ['-v', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres', '-d', db.name, file]);
    const passed = (output.match(/^\s*ok \d+/gm) ?? []).length;
    let failed = (output.match(/^\s*not ok \d+/gm) ?? []).length;
    if (code !== 0 && failed === 0) failed = 1; // plan mismatch, SQL error, ...
    if (passed + failed === 0) failed = 1;
    return { name: path.relative(root, file), passed, failed, skipped: 0, output, ms: Date.now() - started };
  } finally {
    await db.drop();
  }
}

async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, done: (result: R) => void): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) done(await work(item));
    }),
  );
}

function report(outcome: Outcome, all: Outcome[]): void {
  all.push(outcome);
  const status = outcome.failed > 0 ? 'FAIL' : 'ok  ';
  console.log(`${status} ${outcome.name}: ${outcome.passed} passed, ${outcome.failed} failed${outcome.skipped ? `, ${outcome.skipped} skipped` : ''} (${(outcome.ms / 1000).toFixed(1)} s)`);
  if (outcome.failed > 0 || process.env.PGAUTOMATOR_TEST_VERBOSE) {
    console.log(outcome.output.split('\n').map((line) => `    ${line}`).join('\n'));
  }
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  const record = (outcome: Outcome) => report(outcome, outcomes);
  try {
    await ensureTestPrerequisites();
  } catch (error) {
    console.error(`prerequisites: ${(error as Error).message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  if (filters.length === 0) {
    // Generated files must match their sources (each generator has a --check mode).
    const checks: Array<[string, string[]]> = [
      ['extension-build is fresh', ['scripts/build-extension.ts', '--check']],
      ['pgtap/engine_fixtures.sql is fresh', ['scripts/gen-engine-pgtap.ts', '--check']],
      ['typed API client is fresh', ['scripts/gen-api-client.ts', '--check']],
      ['docs/api reference is fresh', ['scripts/gen-api-docs.ts', '--check']],
    ];
    for (const [name, args] of checks) {
      if (!statSafe(path.join(root, args[0]))) continue;
      record(await check(name, process.execPath, ['--import', 'tsx', ...args]));
    }
    record(await check('typecheck (tsc --noEmit)', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']));
  }

  const uvuFiles = findFiles(root, (file) => file.endsWith('.test.ts')).filter(wanted);
  await pooled(uvuFiles, concurrency, uvuFile, record);

  const tapFiles = findFiles(path.join(root, 'pgtap'), (file) => file.endsWith('.sql')).filter(wanted);
  await pooled(tapFiles, concurrency, pgtapFile, record);

  const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  const skipped = outcomes.reduce((sum, o) => sum + o.skipped, 0);
  const failing = outcomes.filter((o) => o.failed > 0).map((o) => o.name);
  if (failing.length) console.log(`\nfailing: ${failing.join(', ')}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 ? 1 : 0);
}

function statSafe(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

await main();
