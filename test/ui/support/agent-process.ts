/**
 * A real pgAutomator agent as a child process (`node --import tsx agent/src/cli.ts`), for the
 * end-to-end UI test. Its output is kept for the failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const AGENT_CLI = `${root}agent/src/cli.ts`;

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function agentAvailable(): boolean {
  return existsSync(AGENT_CLI);
}

export function startAgent(databaseUrl: string, name: string, extraArgs: string[] = []): AgentProcess {
  if (!agentAvailable()) throw new Error(`the agent is not in this checkout yet (${AGENT_CLI} is missing)`);
  const child = spawn(process.execPath, ['--import', 'tsx', AGENT_CLI, '--database-url', databaseUrl, '--name', name, ...extraArgs], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
