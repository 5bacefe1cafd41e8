/**
 * `pgautomator upgrade`: the shortest chain of upgrade scripts (unit), a plain install moved along
 * a chain of scripts in one transaction, "already at", no path from an old version, a failing
 * script that leaves the database as it was, and the extension route.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { upgradePath, type UpgradeScript } from '../../cli/upgrade-chain.ts';
import { serverHasExtensionFiles } from '../../cli/extension-installer.ts';
import { skip } from '../support/skip.ts';
import { createEmptyDatabase, inDatabase, root, runCli, type EmptyDatabase } from './support/cli.ts';

const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const [major, minor, patch] = version.split('.').map(Number);
const next = `${major}.${minor}.${patch + 1}`;
const afterNext = `${major}.${minor}.${patch + 2}`;

const script = (from: string, to: string): UpgradeScript => ({ from, to, file: `pgautomator--${from}--${to}.sql` });

test('upgradePath: direct, chained, shortest, none', () => {
  const scripts = [script('1.0', '1.1'), script('1.1', '1.2'), script('1.2', '1.3'), script('1.1', '1.3'), script('0.9', '1.0')];
  assert.equal(upgradePath(scripts, '1.3', '1.3'), []);
  assert.equal(upgradePath(scripts, '1.0', '1.1')?.map((s) => s.to), ['1.1']);
  assert.equal(upgradePath(scripts, '0.9', '1.2')?.map((s) => `${s.from}->${s.to}`), ['0.9->1.0', '1.0->1.1', '1.1->1.2']);
  assert.equal(upgradePath(scripts, '1.0', '1.3')?.map((s) => `${s.from}->${s.to}`), ['1.0->1.1', '1.1->1.3'], 'the shortest chain');
  assert.is(upgradePath(scripts, '0.8', '1.3'), null);
  assert.is(upgradePath(scripts, '1.3', '1.0'), null, 'never downwards');
});

let plain: EmptyDatabase;
let scriptsDir: string;
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
const versionFunction = (v: string) => `CREATE OR REPLACE FUNCTION pgautomator.version() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '${v}'::text $$;`;

test.before(async () => {
  plain = await createEmptyDatabase('upgrade');
  const installed = await runCli(['install', '--database-url', plain.url, '--method', 'plain']);
  assert.is(installed.code, 0, installed.stderr);
  // A scripts directory with a two-step chain from this version (as a later release would ship).
  scriptsDir = tempDir('pgat-upgrade-');
  writeFileSync(
    path.join(scriptsDir, `pgautomator--${version}--${next}.sql`),
    `\\echo Use "ALTER EXTENSION pgautomator UPDATE" to load this file. \\quit\nCREATE TABLE pgautomator.upgrade_marker (step text);\nINSERT INTO pgautomator.upgrade_marker VALUES ('${next}');\n${versionFunction(next)}\n`,
  );
  writeFileSync(
    path.join(scriptsDir, `pgautomator--${next}--${afterNext}.sql`),
    `INSERT INTO pgautomator.upgrade_marker VALUES ('${afterNext}');\n${versionFunction(afterNext)}\n`,
  );
});

test.after(async () => {
  await plain.drop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

test('already at this version: says so, exit 0', async () => {
  const result = await runCli(['upgrade', '--database-url', plain.url]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`pgautomator is already at ${version.replace(/\./g, '\\.')}`));
});

test('plain route: a failing script leaves the database as it was (one transaction)', async () => {
  const broken = tempDir('pgat-upgrade-broken-');
  writeFileSync(path.join(broken, `pgautomator--${version}--${next}.sql`), `${versionFunction(next)}\nSELECT 1/0;\n`);
  const result = await runCli(['upgrade', '--database-url', plain.url, '--to', next, '--scripts-dir', broken]);
  assert.is(result.code, 1);
  assert.match(result.stderr, /division by zero/);
  const v = await inDatabase(plain.url, (c) => c.query('SELECT pgautomator.version() AS v'));
  assert.is(v.rows[0].v, version);
});

test('plain route: runs the chain of scripts up to --to, in order', async () => {
  const result = await runCli(['upgrade', '--database-url', plain.url, '--to', afterNext, '--scripts-dir', scriptsDir]);
  console.log(result.stdout.trimEnd());
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`plain SQL, 2 scripts`));
  assert.match(result.stdout, new RegExp(`Upgraded pgautomator ${version.replace(/\./g, '\\.')} -> ${afterNext.replace(/\./g, '\\.')}`));
  const rows = await inDatabase(plain.url, async (c) => ({
    version: (await c.query('SELECT pgautomator.version() AS v')).rows[0].v as string,
    steps: (await c.query('SELECT step FROM pgautomator.upgrade_marker')).rows.map((r) => r.step as string),
  }));
  assert.is(rows.version, afterNext);
  assert.equal(rows.steps, [next, afterNext]);
});

test('an old version without a path: a clear error that names the versions it upgrades from', async () => {
  await inDatabase(plain.url, (c) => c.query(versionFunction('0.0.1')));
  const result = await runCli(['upgrade', '--database-url', plain.url, '--to', afterNext, '--scripts-dir', scriptsDir]);
  console.log(result.stderr.trimEnd());
  assert.is(result.code, 1);
  assert.match(result.stderr, new RegExp(`no upgrade path from pgautomator 0\\.0\\.1 to ${afterNext.replace(/\./g, '\\.')}`));
  assert.match(result.stderr, new RegExp(`ships upgrade scripts from ${version.replace(/\./g, '\\.')}, ${next.replace(/\./g, '\\.')}`));
});

test('a database newer than the target is refused (no downgrades)', async () => {
  await inDatabase(plain.url, (c) => c.query(versionFunction('99.0.0')));
  const result = await runCli(['upgrade', '--database-url', plain.url]);
  assert.is(result.code, 1);
  assert.match(result.stderr, /newer than .*downgrades are not supported/);
});

test('extension route: already at this version; a version whose files the server lacks', async () => {
  // The test template uses the plain route; this test makes its own database by CREATE EXTENSION,
  // which needs this checkout's files on the server (npm test installs them where it can).
  const why = process.env.PGAUTOMATOR_TEST_EXTENSION_FILES;
  if (why && why !== 'installed') return skip(`extension route of upgrade not tested: ${why.replace(/^unavailable: /, '')}`);
  const db = await createEmptyDatabase('upgrade_ext');
  try {
    const hasFiles = await inDatabase(db.url, (c) => serverHasExtensionFiles(c, version));
    if (!hasFiles) {
      assert.not.ok(why === 'installed', 'npm test installed the extension files, yet the server lacks them');
      return skip(`extension route of upgrade not tested: the server has no pgautomator ${version} extension files (make -C extension-build install)`);
    }
    const installed = await runCli(['install', '--database-url', db.url, '--method', 'extension']);
    assert.is(installed.code, 0, installed.stderr);
    const route = await inDatabase(db.url, async (c) => (await c.query("SELECT extversion FROM pg_extension WHERE extname = 'pgautomator'")).rows);
    assert.equal(route, [{ extversion: version }], 'installed by CREATE EXTENSION');
    const current = await runCli(['upgrade', '--database-url', db.url]);
    assert.is(current.code, 0, current.stderr);
    assert.match(current.stdout, /already at/);
    const result = await runCli(['upgrade', '--database-url', db.url, '--to', afterNext]);
    assert.is(result.code, 1);
    assert.match(result.stderr, new RegExp(`has no pgautomator ${afterNext.replace(/\./g, '\\.')} extension files`));
    assert.match(result.stderr, /make -C extension-build install/);
  } finally {
    await db.drop();
  }
});

test.run();
