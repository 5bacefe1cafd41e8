// The step guardian: a small companion process of one agent (plain JavaScript, no dependencies, run
// by `node` directly so that it starts in a few tens of milliseconds). Shell steps run detached in
// process groups of their own (so a kill reaches their whole tree), which also means nothing stops
// them when their agent dies. The guardian does: it knows every step process group of its agent and
// kills them all
//   1. at once when its stdin reaches EOF: the agent is gone, whatever killed it (SIGKILL, a crash,
//      the OOM killer), since the kernel closes the agent's end of the pipe in every case; it then
//      exits;
//   2. when the agent's lease runs out: the agent is partitioned from the database, or paused
//      (SIGSTOP, a blocked event loop) and cannot fence itself. It says on stdout which groups it
//      fenced and keeps running. Groups added with `keep` (steps of on_abandon = wait runs, whose
//      runs the database keeps for this agent while it is away) are spared: only 1. ends them.
//
// Protocol, one line each way:
//   agent -> guardian   "add <pgid>"        a step's process group started
//                       "add <pgid> keep"   the same, killed at the agent's death only, never at
//                                           the lease's expiry
//                       "del <pgid>"        it ended
//                       "lease <ms>"        the lease runs out this many ms from now (this process
//                                           measures from the line's receipt, by its own
//                                           monotonic clock)
//                       "lease none"        no lease to keep (the agent stops in order)
//   guardian -> agent   "ready <pid>"
//                       "fenced <pgid> ..." the lease ran out: these groups were killed
//
// Usage: node guardian-process.mjs <pid file>. The pid file (beside the agent's spool) lets a new
// agent with the same state wait for an old guardian to finish its kills before it starts steps.
// It runs in its own session and process group (the agent spawns it detached), so a signal to the
// agent's group (Ctrl+C in a terminal) does not take it first.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const pidFile = process.argv[2];
// Debugging: every line in and out, with monotonic times, appended to this file.
const traceFile = process.env.PGAUTOMATOR_GUARDIAN_TRACE;
function trace(what) {
  if (traceFile) appendFileSync(traceFile, `${process.pid} ${new Date().toISOString()} ${performance.now().toFixed(1)} ${what}\n`);
}
/** SIGTERM first, then SIGKILL this long after for groups still there: well within 2 s in total. */
const termGraceMs = 800;

/** Groups killed when the lease runs out or the agent dies. @type {Set<number>} */
const groups = new Set();
/** Groups killed only when the agent dies (`add <pgid> keep`). @type {Set<number>} */
const kept = new Set();
/** Monotonic deadline of the lease (ms), or null: none. */
let leaseDeadline = null;
let leaseTimer;
let fencedAll = false;

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: gone already
  }
}

function alive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** SIGTERM to every group, SIGKILL to those still there after termGraceMs; calls done() after. */
function killGroups(pgids, done) {
  for (const pgid of pgids) signalGroup(pgid, 'SIGTERM');
  const started = performance.now();
  const poll = () => {
    const left = pgids.filter(alive);
    if (left.length === 0 || performance.now() - started >= termGraceMs) {
      for (const pgid of left) signalGroup(pgid, 'SIGKILL');
      done();
      return;
    }
    setTimeout(poll, 25);
  };
  poll();
}

function say(line) {
  trace(`> ${line}`);
  try {
    process.stdout.write(`${line}\n`);
  } catch {
    // the agent is gone: stdin's EOF follows
  }
}

function fence() {
  trace(`lease ran out; groups: ${[...groups].join(' ')}; kept: ${[...kept].join(' ')}`);
  leaseTimer = undefined;
  fencedAll = true;
  const pgids = [...groups];
  groups.clear();
  if (pgids.length === 0) return;
  killGroups(pgids, () => say(`fenced ${pgids.join(' ')}`));
}

function renew(ms) {
  clearTimeout(leaseTimer);
  fencedAll = false;
  if (ms === null) {
    leaseDeadline = null;
    return;
  }
  leaseDeadline = performance.now() + ms;
  if (ms <= 0) fence();
  else leaseTimer = setTimeout(function check() {
    const left = leaseDeadline - performance.now();
    if (left > 0) leaseTimer = setTimeout(check, left + 1);
    else fence();
  }, ms + 1);
}

function command(line) {
  trace(`< ${line}`);
  const [verb, arg, policy] = line.trim().split(/\s+/);
  const n = Number(arg);
  if (verb === 'add' && Number.isInteger(n) && n > 1 && policy === 'keep') kept.add(n);
  else if (verb === 'add' && Number.isInteger(n) && n > 1) {
    // A step that starts after the lease ran out may not run either.
    if (fencedAll && leaseDeadline !== null) killGroups([n], () => say(`fenced ${n}`));
    else groups.add(n);
  } else if (verb === 'del' && Number.isInteger(n)) {
    groups.delete(n);
    kept.delete(n);
  }
  else if (verb === 'lease') renew(arg === 'none' ? null : Number.isFinite(n) ? n : null);
}

let gone = false;
function agentGone() {
  if (gone) return;
  gone = true;
  clearTimeout(leaseTimer);
  killGroups([...groups, ...kept], () => {
    try {
      if (pidFile && readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile, { force: true });
    } catch {
      // no pid file, or another guardian's by now
    }
    process.exit(0);
  });
}

if (pidFile) {
  try {
    writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  } catch {
    // the agent checked its state directory already; waiting for an old guardian is best effort
  }
}
// Nothing but EOF on stdin may end it while groups are known: no terminal signals reach it (own
// session), and a broken stdout must not kill it.
process.stdout.on('error', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    command(pending.slice(0, newline));
    pending = pending.slice(newline + 1);
  }
});
process.stdin.on('end', agentGone);
process.stdin.on('error', agentGone);
say(`ready ${process.pid}`);
