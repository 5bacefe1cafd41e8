/**
 * `pgautomator agent ...`: runs the agent of this host (agent/src/cli.ts, runAgentCli); every
 * argument goes to it unchanged, `--help` included.
 */
import type { Command } from './command.ts';
import { exitCodeOf } from './delegate.ts';

export async function runAgent(argv: string[]): Promise<number> {
  // Imported when it runs: the other commands never load the agent's modules.
  const { runAgentCli } = await import('../agent/src/cli.ts');
  return exitCodeOf(await runAgentCli(argv));
}

export const agentCommand: Command = { run: runAgent };
