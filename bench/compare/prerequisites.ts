/**
 * The comparison needs Debian's PostgreSQL 15 server, pg_cron and pgAgent. They are bench-only
 * prerequisites (CI never installs them): when one is missing and we are root, apt-get installs it;
 * otherwise we stop with the command to run.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { PG_BIN } from './cluster.ts';

const needs = [
  { what: 'PostgreSQL 15 server', file: `${PG_BIN}/postgres`, pkg: 'postgresql-15' },
  { what: 'pg_cron for PostgreSQL 15', file: '/usr/share/postgresql/15/extension/pg_cron.control', pkg: 'postgresql-15-cron' },
  { what: 'pgAgent', file: '/usr/bin/pgagent', pkg: 'pgagent' },
  { what: 'pgbench', file: `${PG_BIN}/pgbench`, pkg: 'postgresql-contrib' },
] as const;

export function ensurePrerequisites(log: (line: string) => void): void {
  const missing = needs.filter((n) => !existsSync(n.file));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.map((m) => m.what).join(', ')}: run  sudo apt-get install ${pkgs.join(' ')}`);
  }
  log(`installing ${pkgs.join(' ')} with apt-get (bench-only prerequisites)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-q', ...pkgs], { stdio: 'inherit', env });
  const still = needs.filter((n) => !existsSync(n.file));
  if (install.status !== 0 || still.length > 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed; still missing: ${still.map((m) => m.what).join(', ')}`);
}
