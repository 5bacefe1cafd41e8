/**
 * The README's psql walkthrough (docs/walkthrough.sql) works as written and prints what it says:
 * run by psql (no psqlrc, a 100-column terminal for \x auto) against a fresh database while a real
 * agent runs, its output equals the `-->` lines of the file, times aside; and the README's psql
 * section is an excerpt of the file, so it cannot drift either.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTestDatabase, waitFor, type TestDatabase } from './support/database.ts';
import { cleanup, root, startAgent } from './agent/support.ts';

const run = promisify(execFile);
const walkthroughPath = path.join(root, 'docs/walkthrough.sql');
const walkthrough = readFileSync(walkthroughPath, 'utf8');
let db: TestDatabase;

test.before(async () => {
  db = await createTestDatabase('walkthrough');
});
test.after(async () => {
  await cleanup();
  await db.drop();
});

/**
 * One line as compared: what differs from run to run masked (instants, the psql prefix of an error
 * with the file's path, a function's line number, the version), alignment padding, rule widths and
 * blank lines ignored.
 */
export function normalise(line: string): string {
  return line
    .replace(/^psql:[^:]*:\d+: /, '')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:\d\d)?)?/g, '<time>')
    .replace(/ line \d+ at /, ' line N at ')
    .replace(/\bplv8\b/g, 'plpgsql') // the engine depends on the server; both give the same answers
    .replace(/^(version\s*\|\s*)\d+\.\d+\.\d+\S*$/, '$1<version>')
    .replace(/^-\[ RECORD (\d+) \][-+]*$/, '-[ RECORD $1 ]')
    .replace(/^[-+]+$/, '---')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The `-->` lines of the walkthrough: what psql prints, in order. */
const expected = walkthrough.split('\n').filter((l) => l.startsWith('-->')).map((l) => l.replace(/^--> ?/, ''));

test('docs/walkthrough.sql prints in psql what its --> lines say, and its runs end as it says', async () => {
  const agent = startAgent(db, { name: 'db-host-1', args: ['--heartbeat-interval', '2'] });
  await agent.waitForLog((line) => line.msg === 'registered', 'the agent registered', 30_000);
  const url = new URL(db.url);
  // stdout and stderr in one stream, in order, as a DBA sees them (an error's lines go to stderr).
  const psql = ['psql', '-X', '-P', 'columns=100', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres',
    '-d', db.name, '-f', walkthroughPath].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await run('sh', ['-c', `${psql} 2>&1`], { timeout: 180_000 });
  const actual = stdout.replace(/\n+$/, '').split('\n');
  const shown = actual.map((l) => `--> ${l}`.trimEnd()).join('\n');
  assert.equal(actual.map(normalise).filter(Boolean), expected.map(normalise).filter(Boolean), `psql printed (as --> lines):\n${shown}`);

  // And the database agrees: the manual run succeeded, the long one was killed.
  const byJob = await waitFor(async () => {
    const runs = await db.pool.query(`SELECT job, state, finished_at FROM pgautomator.runs WHERE trigger = 'manual'`);
    return runs.rows.every((r) => r.finished_at) && runs.rows.length === 2 && Object.fromEntries(runs.rows.map((r) => [r.job, r.state]));
  }, { timeoutMs: 30_000, what: 'both manual runs to finish' });
  assert.is(byJob['disk-report'], 'succeeded');
  assert.is(byJob['long-sleep'], 'killed');
});

test('the README psql section is an excerpt of docs/walkthrough.sql, in order', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Five minutes in psql'));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the section has a sql block');
  const lines = walkthrough.split('\n').map((l) => l.trimEnd());
  let at = 0;
  for (const line of block.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '')) {
    const found = lines.indexOf(line, at);
    assert.ok(found >= 0, `README line not in docs/walkthrough.sql (or out of order): ${line}`);
    at = found + 1;
  }
});

test.run();
