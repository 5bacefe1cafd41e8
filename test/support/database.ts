/**
 * Test databases: each test file gets its own database, cloned from a template that has the
 * extension (and pgTAP, where the server has it) installed. The template is named after a hash of
 * the install script, so a rebuilt extension gets a new template and stale ones are dropped.
 *
 * Server: PGAUTOMATOR_TEST_DATABASE_URL, default the local server as `postgres`.
 * Route: PGAUTOMATOR_TEST_INSTALL = plain (default) | extension | auto. Plain is the default because
 * it installs exactly the script of this checkout, whereas CREATE EXTENSION uses whatever files
 * `make install` last put on the server; test/extension-install.test.ts covers that route.
 * (Where a Docker engine answers, a testcontainers path could start Dockerfile.postgres instead;
 * this machine kind has no engine, so the local server is the one used.)
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { installExtension, packageVersion, plainInstallScript, type InstallMethod } from '../../cli/extension-installer.ts';

export const serverUrl = process.env.PGAUTOMATOR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(database: string, base = serverUrl): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** Runs `fn` with a client connected to `url`, and closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(serverUrl, fn);
}

let templatePromise: Promise<string> | undefined;

/** The template database's name, building it once per script version (serialised across processes). */
export function templateDatabase(): Promise<string> {
  templatePromise ??= buildTemplate();
  return templatePromise;
}

async function buildTemplate(): Promise<string> {
  const version = await packageVersion();
  const script = await plainInstallScript(version);
  const method = (process.env.PGAUTOMATOR_TEST_INSTALL ?? 'plain') as InstallMethod | 'auto';
  return withAdmin(async (admin) => {
    // pgTAP is part of the template when the server has it: a template built before pgTAP was
    // installed (a benchmark run on a fresh machine) must not be reused by the pgTAP suites.
    const pgtap = (await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'")).rows.length > 0;
    const hash = createHash('sha256').update(script).update(method).update(pgtap ? 'pgtap' : '').digest('hex').slice(0, 12);
    const name = `pgautomator_tpl_${hash}`;
    await admin.query("SELECT pg_advisory_lock(hashtext('pgautomator test template'))");
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rows.length > 0) return name;
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      await admin.query(`CREATE DATABASE ${building}`);
      const client = new pg.Client({ connectionString: databaseUrl(building) });
      await client.connect();
      try {
        await installExtension(client, { method, version });
        if (pgtap) await client.query('CREATE EXTENSION pgtap');
      } finally {
        await client.end();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
      // Drop templates of older builds that nobody is cloning right now.
      const stale = await admin.query(
        `SELECT datname FROM pg_database WHERE datname LIKE 'pgautomator\\_tpl\\_%' AND datname <> $1
           AND datname NOT LIKE '%\\_building' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = pg_database.datname)`,
        [name],
      );
      for (const row of stale.rows as { datname: string }[]) {
        await admin.query(`ALTER DATABASE ${row.datname} WITH IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS ${row.datname}`);
      }
      return name;
    } finally {
      await admin.query("SELECT pg_advisory_unlock(hashtext('pgautomator test template'))");
    }
  });
}

/** A fresh database with the extension installed; call drop() when done. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const name = `pgat_${safeLabel}_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    const template = await templateDatabase();
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  } catch (error) {
    // Another checkout testing on the same server drops the templates of other builds when it
    // builds its own (not in use at that instant): build ours again, once.
    if ((error as { code?: string }).code !== '3D000') throw error;
    templatePromise = undefined;
    const template = await templateDatabase();
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  }
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection ended by the server (a test that restarts or terminates backends, drop
  // WITH (FORCE)) is dropped by the pool; unhandled, its 'error' event would end the process.
  pool.on('error', () => {});
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Waits until `check` returns a truthy value (polling; never a fixed sleep in tests). */
export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** An empty database (no extension) and a connected client, for install and upgrade tests. */
export async function createEmptyDatabase(label: string): Promise<{ name: string; client: pg.Client; drop(): Promise<void> }> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const name = `pgat_${safeLabel}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  return {
    name,
    client,
    async drop() {
      await client.end().catch(() => undefined);
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
