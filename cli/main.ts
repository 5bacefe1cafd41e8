/**
 * `pgautomator <command>`: dispatches to one module per command (loaded lazily, so `--help` and
 * the light commands never load the gateway or the agent), prints errors without stack traces
 * (PGAUTOMATOR_DEBUG=1 adds them) and sets the exit code.
 */
import { describeError, exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';

const commands: Record<string, () => Promise<Command>> = {
  install: async () => (await import('./install.ts')).installCommand,
  upgrade: async () => (await import('./upgrade.ts')).upgradeCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  start: async () => (await import('./start.ts')).startCommand,
  agent: async () => (await import('./agent.ts')).agentCommand,
  ui: async () => (await import('./ui.ts')).uiCommand,
  import: async () => (await import('./import.ts')).importCommand,
  'script-job': async () => (await import('./script-job.ts')).scriptJobCommand,
};

const summaries: Record<keyof typeof commands, string> = {
  install: 'install the extension into a database and grant its roles',
  upgrade: 'upgrade an installed pgautomator to this version',
  status: 'show agents and running jobs',
  start: 'quick start: database (embedded unless DATABASE_URL), agent, UI and demo jobs',
  agent: 'run an agent on this host',
  ui: 'run the web UI gateway',
  import: 'move jobs from pg_cron or pgAgent (dry run by default)',
  'script-job': 'print the SQL that recreates a job (for psql)',
};

export function mainHelp(version: string): string {
  const width = Math.max(...Object.keys(summaries).map((name) => name.length));
  return `pgautomator ${version}: job scheduling and automation on PostgreSQL

Usage: pgautomator <command> [options]

Commands:
${Object.entries(summaries)
  .map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`)
  .join('\n')}

Run \`pgautomator <command> --help\` (or \`pgautomator help <command>\`) for a command's options.
Options:
  -h, --help     this help
  -v, --version  print the version

Environment: DATABASE_URL (or PGAUTOMATOR_DATABASE_URL) stands in for --database-url;
PGAUTOMATOR_DEBUG=1 prints stack traces with errors.
`;
}

async function packageVersion(): Promise<string> {
  const { packageVersion } = await import('./extension-installer.ts');
  return packageVersion();
}

/** When `pgautomator start` supervises this process, stop it when the supervisor goes away. */
function followSupervisor(): void {
  if (process.env.PGAUTOMATOR_SUPERVISED !== '1' || !process.send) return;
  process.channel?.unref(); // the channel must not keep the process alive on its own
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(mainHelp(await packageVersion()));
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '-v' || name === '--version' || name === 'version') {
    process.stdout.write(`${await packageVersion()}\n`);
    return exitCodes.ok;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`error: unknown command ${JSON.stringify(name)}\nhint: pgautomator --help lists the commands\n`);
    return exitCodes.usage;
  }
  followSupervisor();
  const command = await load();
  return command.run(rest);
}

const verbose = process.env.PGAUTOMATOR_DEBUG === '1';
main(process.argv.slice(2)).then(
  (code) => {
    // Commands that keep servers running (start, agent, ui) resolve only when they stop.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${describeError(error, verbose)}\n`);
    process.exitCode = (error as { exitCode?: number })?.exitCode ?? exitCodes.failure;
  },
);
