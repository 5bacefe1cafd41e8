// Stops one process when the process that started this watcher dies, on every platform (plain
// JavaScript, no dependencies, run by `node` directly: cli/parent-death.ts starts it).
//
// Linux gives a child a parent-death signal (setpriv --pdeathsig); macOS and Windows have nothing
// like it, and PostgreSQL has no hook of its own. What every platform does is close a dead
// process's pipes: our stdin is a pipe from the starter, so its end (EOF, or an error) means the
// starter is gone, whatever killed it (SIGKILL, a crash, the OOM killer, TerminateProcess). Then:
//   POSIX:   <signal> to the target, then SIGQUIT after <grace ms>, then SIGKILL to its process
//            group 5 s later, as long as it is still there (EmbeddedCluster.stop's order);
//   Windows: the stop command given (pg_ctl stop -m fast: PostgreSQL takes no signals there).
// A starter that stops the target itself ends this watcher first (SIGTERM, the default action).
//
// Usage: node parent-death-watcher.mjs '{"pid":123,"signal":"SIGINT","graceMs":30000,"windowsStop":["pg_ctl",["stop",...]]}'
import { spawnSync } from 'node:child_process';

const { pid, signal, graceMs, windowsStop } = JSON.parse(process.argv[2]);

function alive() {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function send(target, sig) {
  try {
    process.kill(target, sig);
  } catch {
    // gone already
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(ms) {
  const deadline = Date.now() + ms;
  while (alive() && Date.now() < deadline) await sleep(100);
  return !alive();
}

let stopping = false;
async function stopTarget() {
  if (stopping) return;
  stopping = true;
  if (process.platform === 'win32' && windowsStop) {
    spawnSync(windowsStop[0], windowsStop[1], { stdio: 'ignore', windowsHide: true });
    process.exit(0);
  }
  if (!alive()) process.exit(0);
  send(pid, signal);
  if (!(await until(graceMs))) {
    send(pid, 'SIGQUIT');
    if (!(await until(5000))) send(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  }
  process.exit(0);
}

process.stdin.on('end', stopTarget);
process.stdin.on('close', stopTarget);
process.stdin.on('error', stopTarget);
process.stdin.resume();
