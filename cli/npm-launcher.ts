/**
 * `npm start` runs `sh -c "node cli/bin.js start"`, and the shell does not exec node: a signal sent
 * to npm alone (a process manager or `timeout` stopping it, rather than Ctrl-C to the whole
 * terminal group) is forwarded to that shell, which dies of it, and we were left running, orphaned,
 * with everything we started. So when an npm script runs us, npm and its shell are our supervisors:
 * when either goes (signal, SIGKILL, crash), we stop as for SIGTERM.
 *
 * Only under npm (npm_lifecycle_event is set): a user who runs `nohup pgautomator start &` and
 * leaves the shell means it to keep running.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The parent pid of `pid`, or undefined when it cannot be read. */
function parentOf(pid: number): number | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    const ps = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
    const ppid = Number(ps.stdout?.trim());
    return ps.status === 0 && Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Under an npm script, calls `onGone` once when the process that ran us (npm's shell) or the one
 * above it (npm) ends. Returns the function that stops watching.
 */
export function whenNpmGoes(onGone: (what: string) => void, intervalMs = 500): () => void {
  if (!process.env.npm_lifecycle_event) return () => undefined;
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const watched = grandparent !== undefined && grandparent > 1 ? [parent, grandparent] : [parent];
  const timer = setInterval(() => {
    // Our ppid changes when the parent dies (we are re-parented): no pid reuse can fool that test.
    const gone = process.ppid !== parent ? parent : watched.find((pid) => !alive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(`npm (${gone === parent ? 'its script shell' : 'npm'}, pid ${gone})`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
