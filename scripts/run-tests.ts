/**
 * `npm test`: every suite of the project, one summary line at the end.
 *
 *   npm test                 all suites
 *   npm test -- engine agent only test files whose path contains one of the words
 *
 * Suites: generated files are fresh (each generator's --check), the TypeScript type check, every
 * uvu file (`*.test.ts`, each in its own process), and every pgTAP file (`pgtap/*.sql`, each in its
 * own fresh database through pg_prove). The last line reads `N passed, N failed, N skipped`: uvu's
 * tests plus pgTAP's assertions plus one per check (CI reads the first two numbers).
 *
 * Every file has a time limit: PGAUTOMATOR_TEST_FILE_TIMEOUT seconds (default 240), or more where
 * a file asks for it with a line `pgautomator-test-timeout: <seconds>` (in a comment). A file over
 * its limit is killed with everything it started (scripts/test-process.ts), counted failed and its
 * output shown. A failed file shows the lines around its failures and its last lines
 * (PGAUTOMATOR_TEST_VERBOSE=1: every file's whole output). A file using `.only` fails: the tests it
 * leaves out would otherwise vanish from the count.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTestPrerequisites, type Prerequisites } from './test-prerequisites.ts';
import { killAllRunning, runLimited } from './test-process.ts';
import { excerpt, tapCounts, usesOnly, uvuCounts } from './test-outcomes.ts';
import pg from 'pg';
import { createTestDatabase, serverUrl } from '../test/support/database.ts';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const concurrency = Number(process.env.PGAUTOMATOR_TEST_CONCURRENCY ?? 2);
const DEFAULT_LIMIT_S = 240;
const defaultLimitS = Number(process.env.PGAUTOMATOR_TEST_FILE_TIMEOUT) || DEFAULT_LIMIT_S;
const hookErrors = pathToFileURL(path.join(root, 'test/support/uvu-hook-errors.ts')).href;
let childEnv: NodeJS.ProcessEnv = {};

interface Outcome {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Why it failed (beyond its failing assertions) or why tests were skipped. */
  reasons: string[];
  output: string;
  ms: number;
}

/** A file's own limit (`pgautomator-test-timeout: N` in a comment); the env's limit when larger. */
function limitOf(file: string): number {
  let own: number | undefined;
  try {
    const match = /pgautomator-test-timeout:\s*(\d+)/.exec(readFileSync(file, 'utf8'));
    if (match) own = Number(match[1]);
  } catch {
    /* a check, not a file */
  }
  return Math.max(own ?? 0, defaultLimitS);
}

async function run(command: string, args: string[], limitS: number): Promise<{ code: number; output: string; reasons: string[] }> {
  const finished = await runLimited(command, args, {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...childEnv },
    timeoutMs: limitS * 1000,
  });
  const reasons: string[] = [];
  if (finished.timedOut) {
    reasons.push(`timed out after ${limitS} s (killed with everything it started)`);
    // Its after hooks never ran: drop the test databases it made (named pgat_<label>_<pid>_<hex>).
    if (finished.pid) reasons.push(...(await dropDatabasesOf(finished.pid)));
  }
  if (finished.leftBehind.length) reasons.push(`warning: left running after it exited (killed): ${finished.leftBehind.join('; ')}`);
  return { code: finished.code, output: finished.output, reasons };
}

async function dropDatabasesOf(pid: number): Promise<string[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
    const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'pgat\\_%' AND datname LIKE $1", [`%\\_${pid}\\_%`]);
    for (const row of rows as Array<{ datname: string }>) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    return rows.length ? [`dropped the test databases it left: ${rows.map((r) => r.datname).join(', ')}`] : [];
  } catch (error) {
    return [`could not drop its test databases: ${(error as Error).message}`];
  } finally {
    await admin.end().catch(() => {});
  }
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

// Words match the path inside the checkout (a checkout under a folder named like a word matched every file).
const wanted = (file: string) => filters.length === 0 || filters.some((word) => path.relative(root, file).includes(word));

/** A check counts as one test: it passes when its command exits 0. */
async function check(name: string, command: string, args: string[]): Promise<Outcome> {
  const started = Date.now();
  const { code, output, reasons } = await run(command, args, defaultLimitS);
  if (code !== 0 && reasons.length === 0) reasons.push(`exited with code ${code}`);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, reasons, output, ms: Date.now() - started };
}

async function uvuFile(file: string): Promise<Outcome> {
  const started = Date.now();
  const name = path.relative(root, file);
  const missing = prerequisites.unavailableFor(readFileSync(file, 'utf8'));
  if (missing.length) return { name, passed: 0, failed: 1, skipped: 0, reasons: missing, output: '(not run)', ms: 0 };
  const limitS = limitOf(file);
  const { code, output, reasons } = await run(process.execPath, ['--import', 'tsx', '--import', hookErrors, file], limitS);
  const timedOut = reasons.some((r) => r.startsWith('timed out'));
  const counts = uvuCounts(output, code, timedOut);
  if (timedOut) counts.failed = Math.max(counts.failed, 1);
  if (usesOnly(readFileSync(file, 'utf8'))) {
    counts.failed += 1;
    reasons.push('uses .only: the tests it leaves out would not run (remove .only)');
  }
  return { name, ...counts, reasons: [...reasons, ...counts.reasons], output, ms: Date.now() - started };
}

async function pgtapFile(file: string): Promise<Outcome> {
  const started = Date.now();
  const db = await createTestDatabase(`tap_${path.basename(file, '.sql')}`);
  try {
    const url = new URL(db.url);
    const limitS = limitOf(file);
    const args = ['-v', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres', '-d', db.name, file];
    const { code, output, reasons } = await run('pg_prove', args, limitS);
    const timedOut = reasons.some((r) => r.startsWith('timed out'));
    const counts = tapCounts(output, code, timedOut);
    if (timedOut) counts.failed = Math.max(counts.failed, 1);
    return { name: path.relative(root, file), ...counts, reasons: [...reasons, ...counts.reasons], output, ms: Date.now() - started };
  } finally {
    await db.drop().catch(() => {}); // housekeeping: never what decides the file's result
  }
}

async function pooled(files: string[], limit: number, work: (file: string) => Promise<Outcome>, done: (result: Outcome) => void): Promise<void> {
  const queue = [...files];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        // An error of the runner's own work for a file (its test database, ...) fails that file,
        // never the whole run: the closing line must always come.
        const started = Date.now();
        const outcome = await work(file).catch((error: unknown) => ({
          name: path.relative(root, file),
          passed: 0,
          failed: 1,
          skipped: 0,
          reasons: [`the runner could not run it: ${(error as Error).message}`],
          output: (error as Error).stack ?? String(error),
          ms: Date.now() - started,
        }));
        done(outcome);
      }
    }),
  );
}

const indent = (text: string) => text.split('\n').map((line) => `    ${line}`).join('\n');

function report(outcome: Outcome, all: Outcome[]): void {
  all.push(outcome);
  const status = outcome.failed > 0 ? 'FAIL' : 'ok  ';
  console.log(`${status} ${outcome.name}: ${outcome.passed} passed, ${outcome.failed} failed${outcome.skipped ? `, ${outcome.skipped} skipped` : ''} (${(outcome.ms / 1000).toFixed(1)} s)`);
  // Reasons first: a timeout, a failed hook, a missing service, each skip's reason.
  for (const reason of outcome.reasons) console.log(`    - ${reason}`);
  if (process.env.PGAUTOMATOR_TEST_VERBOSE) console.log(indent(outcome.output));
  else if (outcome.failed > 0) console.log(indent(outcome.output.trim() ? excerpt(outcome.output) : '(it printed nothing)'));
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  const record = (outcome: Outcome) => report(outcome, outcomes);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.log(`\n${signal}: ending the running test files`);
      void killAllRunning().finally(() => process.exit(130));
    });
  }
  try {
    prerequisites = await ensureTestPrerequisites();
  } catch (error) {
    console.error(`prerequisites: ${(error as Error).message}`);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
  for (const note of prerequisites.notes) console.log(`prerequisites: ${note}`);
  childEnv = prerequisites.env;

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
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 ? 1 : 0);
}

let prerequisites: Prerequisites;

function statSafe(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

await main();
