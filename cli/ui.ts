/**
 * `pgautomator ui ...`: runs the web UI gateway (server/cli.ts, runUiCli); every argument goes to
 * it unchanged, `--help` included.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { exitCodeOf, loadEntry } from './delegate.ts';

export const UI_ENTRY = '../server/cli.ts';

export const uiHelpFallback = `Usage: pgautomator ui --database-url URL [options]

Serves the pgAutomator web console and turns its HTTP calls into calls of the pgautomator API
functions, as the logged-in database role. Its options are listed by \`pgautomator ui --help\`
once the gateway (server/cli.ts) is part of this checkout; it is not yet.
`;

export async function runUi(argv: string[]): Promise<number> {
  if ((argv.includes('--help') || argv.includes('-h')) && !existsSync(fileURLToPath(new URL(UI_ENTRY, import.meta.url)))) {
    process.stdout.write(uiHelpFallback);
    return exitCodes.ok;
  }
  const runUiCli = await loadEntry<(argv: string[]) => unknown>(UI_ENTRY, 'runUiCli', 'gateway');
  return exitCodeOf(await runUiCli(argv));
}

export const uiCommand: Command = { run: runUi };
