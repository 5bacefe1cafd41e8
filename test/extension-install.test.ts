/**
 * Both install routes give the same extension: CREATE EXTENSION (files installed on the tested
 * server by npm test, see scripts/test-prerequisites.ts; skipped with the reason where it cannot) and the plain-SQL route for
 * managed Postgres. Also: version recorded, PL/pgSQL engine chosen where plv8 is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { installExtension, packageVersion, serverHasExtensionFiles } from '../cli/extension-installer.ts';
import { createEmptyDatabase } from './support/database.ts';
import { skip } from './support/skip.ts';
import { serverHasOurExtensionFiles } from './support/extension-files.ts';
import { catalogSnapshot, snapshotDifferences } from './support/catalog-snapshot.ts';

const created: Array<{ drop(): Promise<void> }> = [];

async function emptyDatabase(label: string): Promise<pg.Client> {
  const db = await createEmptyDatabase(`install_${label}`);
  created.push(db);
  return db.client;
}

test.after(async () => {
  for (const db of created) await db.drop();
});

test('CREATE EXTENSION and the plain-SQL install give identical schemas', async () => {
  const version = await packageVersion();
  const viaExtension = await emptyDatabase('ext');
  const viaPlain = await emptyDatabase('plain');
  try {
    const available = await serverHasExtensionFiles(viaExtension, version);
    if (!available) {
      // npm test installs the files into the tested server, or says why it cannot.
      const why = process.env.PGAUTOMATOR_TEST_EXTENSION_FILES;
      assert.not.ok(why === 'installed', 'npm test installed the extension files, yet the server lacks them');
      return skip(`CREATE EXTENSION route not compared: ${why?.replace(/^unavailable: /, '') ?? 'the server has no pgautomator extension files (make -C extension-build install)'}`);
    }
    const oursBefore = await serverHasOurExtensionFiles(viaExtension, version);
    assert.equal(await installExtension(viaExtension, { method: 'extension', version }), { method: 'extension', version });
    if (!oursBefore || !(await serverHasOurExtensionFiles(viaExtension, version))) {
      assert.not.ok(process.env.CI === 'true' && !oursBefore, 'npm test installed this checkout\'s files, yet the server has others');
      return skip(`CREATE EXTENSION route not compared: the server's pgautomator ${version} files are not this checkout's (another checkout on this machine installed its own)`);
    }
    assert.equal(await installExtension(viaPlain, { method: 'plain', version }), { method: 'plain', version });
    const differences = snapshotDifferences(await catalogSnapshot(viaExtension), await catalogSnapshot(viaPlain));
    assert.equal(differences, [], differences.join('\n'));
    const ext = await viaExtension.query("SELECT extversion FROM pg_extension WHERE extname = 'pgautomator'");
    assert.is(ext.rows[0]?.extversion, version);
  } finally {
    await viaExtension.end();
    await viaPlain.end();
  }
});

test('the install records its version and picks the PL/pgSQL engine without plv8', async () => {
  const client = await emptyDatabase('version');
  try {
    const version = await packageVersion();
    await installExtension(client, { method: 'plain', version });
    const { rows } = await client.query('SELECT pgautomator.version() AS version, pgautomator.engine() AS engine');
    assert.is(rows[0].version, version);
    const plv8 = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'plv8'");
    assert.is(rows[0].engine, plv8.rows.length ? 'plv8' : 'plpgsql');
  } finally {
    await client.end();
  }
});

test('a second plain install into the same database fails cleanly and changes nothing', async () => {
  const client = await emptyDatabase('twice');
  try {
    await installExtension(client, { method: 'plain' });
    const before = await catalogSnapshot(client);
    let failed = false;
    try {
      await installExtension(client, { method: 'plain' });
    } catch {
      failed = true;
    }
    assert.ok(failed, 'installing over an existing install must fail (use upgrade)');
    assert.equal(snapshotDifferences(before, await catalogSnapshot(client)), []);
  } finally {
    await client.end();
  }
});

test.run();
