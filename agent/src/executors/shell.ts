/**
 * Shell steps: the command runs through the host's shell (sh or bash on POSIX, cmd or PowerShell
 * on Windows), in the step's working directory, with the step's environment plus
 * PGAUTOMATOR_RUN_ID, PGAUTOMATOR_JOB, PGAUTOMATOR_STEP, PGAUTOMATOR_STEP_POSITION and
 * PGAUTOMATOR_ATTEMPT. Success is an exit code among the step's success codes.
 *
 * Kill: the whole process tree goes. On POSIX the shell starts detached, as leader of its own
 * process group, and the group gets SIGTERM, then SIGKILL after the grace period (also when the
 * shell itself left early, so children that ignore SIGTERM do not survive). On Windows
 * `taskkill /T /F` ends the tree.
 *
 * The gate: where the agent's step guardian watches the groups, the command starts behind a gate
 * on its stdin (stepGate) and the agent opens it only once the guardian has been told the group.
 * An agent that dies in between (SIGKILL, the OOM killer) closes the gate's pipe by dying, and the
 * command never begins: no step runs unguarded beside its retry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ClaimedStep } from '../protocol.ts';
import { abortedResult, graceFor, sleep, type StepContext, type StepResult } from './executor.ts';

/** How long output of a finished shell's children is still read. */
const stdioGraceMs = 2000;

// The agent's environment, read once: execa's extendEnv reads process.env afresh for every step,
// and each read of it is a call into the host (about 0.3 ms of CPU per step, measured). Steps see
// the environment the agent started with, as with a service manager's unit.
const agentEnv: NodeJS.ProcessEnv = { ...process.env };

export interface ShellCommand {
  file: string;
  args: string[];
  windowsVerbatimArguments?: boolean;
}

/** The program and arguments that run `command` through `shell` on `platform`. */
export function shellCommand(shell: string | null, command: string, platform: NodeJS.Platform = process.platform): ShellCommand {
  const chosen = shell ?? (platform === 'win32' ? 'cmd' : 'sh');
  switch (chosen) {
    case 'sh':
      return { file: platform === 'win32' ? 'sh' : '/bin/sh', args: ['-c', command] };
    case 'bash':
      return { file: 'bash', args: ['-c', command] };
    case 'cmd':
      // /d: no AutoRun; /s /c with the line quoted whole: cmd keeps the command's own quotes.
      return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], windowsVerbatimArguments: true };
    case 'powershell':
    case 'pwsh':
      return { file: chosen === 'pwsh' ? 'pwsh' : 'powershell.exe', args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', command] };
    default:
      throw new Error(`unknown shell ${JSON.stringify(chosen)} (sh, bash, cmd, powershell, pwsh)`);
  }
}

/**
 * Whether any process of the group is still alive. On Linux, zombies do not count: a child whose
 * shell died is reparented to the host's init, which may reap it late, yet it is gone already.
 */
export function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') {
    try {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue; // exited meanwhile
        }
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
      }
      return false;
    } catch {
      // no /proc: fall through
    }
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Linux: the step's shell gets SIGKILL from the kernel the moment the agent dies, however it
// dies (util-linux setpriv sets the parent-death signal, then execs the shell). The guardian
// still ends the rest of the tree, but only after noticing the death (tens of ms under load),
// and a shell finishing its script in that moment did work that nobody could record.
const setpriv = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file)) : undefined;

/** The command run under setpriv --pdeathsig KILL where the host has it (Linux); else as it is. */
export function withParentDeathSignal(command: ShellCommand): ShellCommand {
  if (!setpriv) return command;
  return { file: setpriv, args: ['--pdeathsig', 'KILL', '--', command.file, ...command.args] };
}

/**
 * The command behind a gate (POSIX): /bin/sh waits for one line on stdin, then execs the command
 * with stdin from /dev/null (as steps always had). End of file instead of the line (the agent died:
 * the kernel closed its end of the pipe) ends it with 125 before the command began. Under setpriv
 * the gate comes after the parent-death signal is set, which covers the agent's death from then on;
 * the gate covers a death before (setpriv's prctl cannot see a parent already gone).
 */
export function behindGate(command: ShellCommand): ShellCommand {
  return { file: '/bin/sh', args: ['-c', 'IFS= read -r _ || exit 125; exec "$@" </dev/null', 'pgautomator-step-gate', command.file, ...command.args] };
}

/** Exit code of a gate that was closed without being opened. */
export const gateClosedExitCode = 125;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * Ends the process tree rooted at pid: POSIX, SIGTERM to its process group, SIGKILL after graceMs
 * unless the group is gone by then; Windows, taskkill /T /F. Resolves once the tree was told to go
 * (on POSIX, once the group is gone).
 */
/**
 * execa, loaded by the first step (and kept): an idle agent does not hold it (memory, issue 14).
 * Later steps await an already settled promise.
 */
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

export async function killProcessTree(pid: number, graceMs: number, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') {
    const { execa } = await loadExeca();
    await execa('taskkill', ['/T', '/F', '/PID', String(pid)], { reject: false, windowsHide: true });
    return;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(20);
}

export async function runShellStep(step: ClaimedStep, context: StepContext): Promise<StepResult> {
  const { signal, output } = context;
  if (signal.aborted) return abortedResult(signal);
  const windows = process.platform === 'win32';
  let command: ShellCommand;
  try {
    command = shellCommand(step.shell, step.command);
  } catch (error) {
    return { state: 'failed', exitCode: null, message: (error as Error).message };
  }
  // Gated where a guardian watches the groups: the command waits until its group is guarded.
  const gated = !windows && context.processGroups !== undefined;
  if (gated) command = behindGate(command);
  command = withParentDeathSignal(command);
  const { execa } = await loadExeca();
  if (signal.aborted) return abortedResult(signal);
  const subprocess = execa(command.file, command.args, {
    cwd: step.workingDir ?? undefined,
    env: {
      ...agentEnv,
      ...step.env,
      PGAUTOMATOR_RUN_ID: String(context.runId),
      PGAUTOMATOR_JOB: context.job,
      PGAUTOMATOR_STEP: step.name,
      PGAUTOMATOR_STEP_POSITION: String(step.position),
      PGAUTOMATOR_ATTEMPT: String(context.attempt),
    },
    extendEnv: false,
    stdin: gated ? 'pipe' : 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    // Its own process group on POSIX, so a kill reaches the whole tree.
    detached: !windows,
    // The agent decides when steps die (drain on shutdown), not execa's exit hook.
    cleanup: false,
    windowsHide: true,
    windowsVerbatimArguments: command.windowsVerbatimArguments,
  });
  // The guardian kills this group if the agent dies or loses its lease (detached: pgid = pid).
  const pgid = !windows ? subprocess.pid : undefined;
  const guarded = pgid !== undefined ? context.processGroups?.started(pgid) : undefined;
  subprocess.stdin?.on('error', () => {}); // EPIPE: the gate's shell is gone (killed, or never started)
  context.logger.debug('step process started', { pid: subprocess.pid });
  subprocess.stdout?.on('data', (chunk: Buffer) => output.write('stdout', chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) => output.write('stderr', chunk));
  // The step ends with its shell: a background child that keeps stdout open (`daemon &`) gets
  // a moment to finish writing, then the agent stops reading instead of waiting for it.
  subprocess.once('exit', () => {
    setTimeout(() => {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, stdioGraceMs).unref();
  });

  let killing: Promise<void> | undefined;
  // The tree had ended on its own when the abort came (an agent resumed after a pause, whose lease
  // ran out meanwhile, learns of both at once): its result is real and is reported as it is.
  let endedFirst = false;
  const onAbort = () => {
    if (subprocess.pid === undefined || killing) return;
    if (subprocess.exitCode !== null || !groupAlive(subprocess.pid)) {
      endedFirst = true;
      return;
    }
    context.logger.info('killing the step\'s process tree', { pid: subprocess.pid, reason: (signal.reason as Error)?.message });
    killing = killProcessTree(subprocess.pid, graceFor(context));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (gated) {
      await Promise.race([guarded, new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))]);
      // Opened only if the step is still wanted; a stopped one sees the gate close (end of file).
      if (signal.aborted) subprocess.stdin?.end();
      else subprocess.stdin?.end('\n');
    }
    const result = await subprocess;
    // Ended by a signal nobody here sent: the guardian may have fenced it while the agent was
    // paused past its lease. The lease check then aborts this step with that reason.
    if (result.signal && !signal.aborted) context.checkLease?.();
    if (killing) await killing;
    const ownEnd = endedFirst && result.exitCode !== undefined && !result.signal;
    if (signal.aborted && !ownEnd) return abortedResult(signal, result.exitCode ?? null);
    if (result.exitCode === undefined) {
      // Never started (no such working directory, no shell) or ended by a signal from outside.
      const why = result.signal ? `ended by signal ${result.signal}` : (result.originalMessage || result.shortMessage || 'the shell did not start');
      return { state: 'failed', exitCode: null, message: why };
    }
    const succeeded = step.successCodes.includes(result.exitCode);
    return {
      state: succeeded ? 'succeeded' : 'failed',
      exitCode: result.exitCode,
      message: succeeded ? null : `exit code ${result.exitCode} (success: ${step.successCodes.join(', ')})`,
    };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (pgid !== undefined) context.processGroups?.ended(pgid);
  }
}
