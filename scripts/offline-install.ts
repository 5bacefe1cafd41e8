/**
 * Packs and installs packages the way a user does (`npm pack`, then `npm install <tarball>` into an
 * empty prefix), but OFFLINE: from the tarball and the local npm cache alone, for the installed-
 * package test (test/package/) and the install bench (bench/install/).
 *
 * `npm install --offline <tarball>` alone fails with ENOTCACHED: resolving the tarball's semver
 * ranges needs each dependency's registry metadata, which `npm ci` (lockfile-driven) never put in
 * the cache. So the empty prefix gets a package.json naming the tarball and a package-lock.json
 * taken from the lockfile the tarball was packed with: its run-time entries (not dev), each with
 * the registry tarball URL, which npm finds in the cache by URL and integrity. npm still runs its
 * own install (placing, optional dependencies, bin links, scripts policy), as for a user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}
interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

export interface CommandResult {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a command, capturing its output; rejects with the output when it fails. */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Its own process group, killed whole on timeout: npm's install scripts (a node-gyp build)
    // must not outlive it.
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(process.platform === 'win32' ? child.pid! : -child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code, output, ms: performance.now() - started };
      if (code === 0) resolve(result);
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}

/** `npm pack` of `dir` into `destination`; the tarball's path. Runs the package's prepack. */
export async function npmPack(dir: string, destination: string): Promise<string> {
  mkdirSync(destination, { recursive: true });
  const { output } = await runCommand('npm', ['pack', '--json', '--pack-destination', destination, dir], { cwd: dir });
  // The JSON array comes after prepack's own output.
  const start = /^\[/m.exec(output);
  if (!start) throw new Error(`npm pack printed no JSON:\n${output.slice(-2000)}`);
  const [info] = JSON.parse(output.slice(start.index)) as { filename: string }[];
  return path.join(destination, info.filename);
}

/** The registry URL of a lockfile entry's tarball (npm leaves `resolved` out of some lockfiles). */
function registryTarball(location: string, entry: LockEntry): string {
  const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
}

function sha512(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * A package.json and package-lock.json in `prefix` that install `tarball`, its dependencies pinned
 * by the run-time (non-dev) entries of `lockfile`, the lockfile it was packed with. Entries nothing
 * requires (dev tools' optional platform packages) are pruned by npm as extraneous.
 */
export function writeOfflineProject(prefix: string, tarball: string, lockfile: string | undefined): void {
  mkdirSync(prefix, { recursive: true });
  const manifest = tarballManifest(tarball);
  const spec = `file:${path.relative(prefix, tarball)}`;
  writeFileSync(path.join(prefix, 'package.json'), `${JSON.stringify({ name: 'offline-install', private: true, dependencies: { [manifest.name]: spec } }, null, 2)}\n`);
  const packages: Record<string, LockEntry> = {
    '': { name: 'offline-install', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity: sha512(tarball),
      ...pick(manifest, ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines']),
    },
  };
  if (lockfile) {
    const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as Lockfile;
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (location === '' || entry.dev || entry.link || !location.startsWith('node_modules/')) continue;
      packages[location] = { ...entry, resolved: entry.resolved ?? registryTarball(location, entry) };
    }
  }
  writeFileSync(path.join(prefix, 'package-lock.json'), `${JSON.stringify({ name: 'offline-install', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

function pick(from: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));
}

/** The package.json inside `tarball`. */
export function tarballManifest(tarball: string): Record<string, unknown> & { name: string; version: string } {
  const read = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (read.status !== 0) throw new Error(`cannot read package/package.json from ${tarball}: ${read.stderr}`);
  return JSON.parse(read.stdout) as Record<string, unknown> & { name: string; version: string };
}

/**
 * `npm install --offline` of `tarball` into the empty `prefix`; its wall time (ms) and the size of
 * what it installed (bytes).
 */
export async function installOffline(prefix: string, tarball: string, lockfile: string | undefined, extraArgs: string[] = [], timeoutMs = 300_000): Promise<{ ms: number; bytes: number; output: string }> {
  writeOfflineProject(prefix, tarball, lockfile);
  const { ms, output } = await runCommand('npm', ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, ...extraArgs], { cwd: prefix, timeoutMs });
  return { ms, bytes: diskBytes(path.join(prefix, 'node_modules')), output };
}

/** Bytes of the files under `dir` (apparent sizes, symlinks not followed). */
export function diskBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
