/**
 * Whether the server's installed pgautomator files are this checkout's (read back through the
 * server, so it proves what CREATE EXTENSION will use). Needs a superuser (pg_read_binary_file of
 * an absolute path). On a machine shared by several checkouts of the same version, another
 * checkout's `make install` may replace the files at any moment: tests of the CREATE EXTENSION
 * route check before and after, and skip with that reason rather than compare another build.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

const root = path.resolve(import.meta.dirname, '../..');

export async function serverHasOurExtensionFiles(client: pg.ClientBase, version: string): Promise<boolean> {
  const { rows } = await client.query("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'");
  const sharedir = rows[0].setting as string;
  for (const file of ['pgautomator.control', `pgautomator--${version}.sql`]) {
    const ours = createHash('sha256').update(readFileSync(path.join(root, 'extension-build', file))).digest('hex');
    try {
      const theirs = await client.query("SELECT encode(sha256(pg_read_binary_file($1)), 'hex') AS hash", [`${sharedir}/extension/${file}`]);
      if (theirs.rows[0].hash !== ours) return false;
    } catch {
      return false;
    }
  }
  return true;
}
