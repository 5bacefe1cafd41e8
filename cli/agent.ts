/**
 * `pgautomator agent ...`: runs the agent of this host (agent/src/cli.ts, runAgentCli); every
 * argument goes to it unchanged, `--help` included.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { exitCodeOf, loadEntry } from './delegate.ts';

export const AGENT_ENTRY = '../agent/src/cli.ts';

export const agentHelpFallback = `Usage: pgautomator agent --database-url URL [options]

Runs a pgAutomator agent on this host: it registers with the central database, claims due runs,
executes their shell and SQL steps, streams their output back, sends mail and obeys kill requests.
Its options are listed by \`pgautomator agent --help\` once the agent (agent/src/cli.ts) is part
of this checkout; it is not yet.
`;

export async function runAgent(argv: string[]): Promise<number> {
  if ((argv.includes('--help') || argv.includes('-h')) && !existsSync(fileURLToPath(new URL(AGENT_ENTRY, import.meta.url)))) {
    process.stdout.write(agentHelpFallback);
    return exitCodes.ok;
  }
  const runAgentCli = await loadEntry<(argv: string[]) => unknown>(AGENT_ENTRY, 'runAgentCli', 'agent');
  return exitCodeOf(await runAgentCli(argv));
}

export const agentCommand: Command = { run: runAgent };
