/**
 * A private copy of Debian's PostgreSQL 15 installation (binaries, libraries, share directory) in a
 * directory of our own. PostgreSQL finds its share and library directories relative to the binary
 * that runs (its installation is relocatable), so a server started from the copy reads extension
 * files from the copy's `share/postgresql/15/extension`: tests and benchmarks can install a build
 * of their own there (a next version, a plv8) without touching the files every other server on
 * the machine reads. About 50 MB, copied in well under a second.
 */
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PG_BIN } from './cluster.ts';

export interface RelocatedInstall {
  /** The copy's bin directory, for BenchCluster's binDir. */
  binDir: string;
  /** Where CREATE EXTENSION looks for control files and scripts. */
  extensionDir: string;
}

/** Copies the installation of PG_BIN under `root` (which must exist), readable by every user. */
export function relocatedInstall(root: string): RelocatedInstall {
  const libSource = path.dirname(PG_BIN); // /usr/lib/postgresql/15
  const version = path.basename(libSource);
  const shareSource = path.join('/usr/share/postgresql', version);
  const lib = path.join(root, 'lib', 'postgresql', version);
  const share = path.join(root, 'share', 'postgresql', version);
  mkdirSync(path.dirname(lib), { recursive: true });
  mkdirSync(path.dirname(share), { recursive: true });
  cpSync(libSource, lib, { recursive: true, verbatimSymlinks: true });
  cpSync(shareSource, share, { recursive: true, verbatimSymlinks: true });
  // As root, the server runs as another user, who must reach the copy (mkdtemp makes 0700).
  chmodSync(root, 0o755);
  return { binDir: path.join(lib, 'bin'), extensionDir: path.join(share, 'extension') };
}
