/**
 * The upgrade mechanism (STYLE.md: CI proves upgraded == fresh). There is no released version
 * before 0.1.0 yet, so this builds the NEXT version in a scratch copy of the sources (version
 * bumped, an upgrade script 0.1.0--next with a schema change), then compares a database upgraded
 * from today's release with one installed fresh at the next version.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { installExtension, packageVersion, withoutPsqlGuard } from '../cli/extension-installer.ts';
import { createEmptyDatabase } from './support/database.ts';
import { catalogSnapshot, snapshotDifferences } from './support/catalog-snapshot.ts';

const root = path.resolve(import.meta.dirname, '..');
const created: Array<{ drop(): Promise<void> }> = [];
let scratch = '';

async function emptyDatabase(label: string): Promise<pg.Client> {
  const db = await createEmptyDatabase(`upgrade_${label}`);
  created.push(db);
  return db.client;
}

test.before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'pgautomator-next-'));
});
test.after(async () => {
  for (const db of created) await db.drop();
  rmSync(scratch, { recursive: true, force: true });
});

test('a database upgraded to the next version equals one installed fresh at it', async () => {
  const current = await packageVersion();
  const next = current.replace(/(\d+)$/, (n) => String(Number(n) + 1));
  // A scratch copy of what the build reads, at the next version, with one schema change to upgrade.
  for (const dir of ['scripts', 'extension-src']) cpSync(path.join(root, dir), path.join(scratch, dir), { recursive: true });
  mkdirSync(path.join(scratch, 'extension-build'));
  cpSync(path.join(root, 'extension-build', `pgautomator--${current}.sql`), path.join(scratch, 'extension-build', `pgautomator--${current}.sql`));
  symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ ...pkg, version: next }, null, 2));
  const change = "ALTER TABLE pgautomator.category ADD COLUMN colour text;\nCOMMENT ON COLUMN pgautomator.category.colour IS 'Display colour.';\n";
  mkdirSync(path.join(scratch, 'extension-src/sql/upgrades'), { recursive: true });
  writeFileSync(path.join(scratch, 'extension-src/sql/upgrades', `${current}--${next}.sql`), change);
  // The fresh install of `next` has the same column: add it to the table's own file.
  const tableFile = path.join(scratch, 'extension-src/sql/tables/020-category.sql');
  writeFileSync(tableFile, readFileSync(tableFile, 'utf8').replace("description  text,", "description  text,\n  colour       text,") + "COMMENT ON COLUMN pgautomator.category.colour IS 'Display colour.';\n");
  execFileSync(process.execPath, ['--import', 'tsx', path.join(scratch, 'scripts/build-extension.ts')], { cwd: scratch, stdio: 'pipe' });

  const upgraded = await emptyDatabase('old');
  const fresh = await emptyDatabase('new');
  try {
    await installExtension(upgraded, { method: 'plain', version: current });
    await upgraded.query(withoutPsqlGuard(readFileSync(path.join(scratch, 'extension-build', `pgautomator--${current}--${next}.sql`), 'utf8')));
    await fresh.query('CREATE SCHEMA pgautomator');
    await fresh.query(withoutPsqlGuard(readFileSync(path.join(scratch, 'extension-build', `pgautomator--${next}.sql`), 'utf8')));
    const versions = await upgraded.query('SELECT pgautomator.version() AS v');
    assert.is(versions.rows[0].v, next);
    const differences = snapshotDifferences(await catalogSnapshot(upgraded), await catalogSnapshot(fresh));
    // Column order may differ (ADD COLUMN appends); snapshots are keyed by name, so order does not count.
    assert.equal(differences, [], differences.join('\n'));
  } finally {
    await upgraded.end();
    await fresh.end();
  }
});

test.run();
