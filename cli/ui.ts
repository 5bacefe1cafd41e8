/**
 * `pgautomator ui ...`: runs the web UI gateway (server/cli.ts, runUiCli); every argument goes to
 * it unchanged, `--help` included.
 */
import type { Command } from './command.ts';
import { exitCodeOf } from './delegate.ts';

export async function runUi(argv: string[]): Promise<number> {
  // Imported when it runs: an agent host's `pgautomator agent` never loads the gateway.
  const { runUiCli } = await import('../server/cli.ts');
  return exitCodeOf(await runUiCli(argv));
}

export const uiCommand: Command = { run: runUi };
