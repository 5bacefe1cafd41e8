/**
 * `pgautomator start` (`npm start`): the one-command quick start. Parts and order live in
 * quick-start.ts; this module parses the options, prints the summary a newcomer needs (URL,
 * login), and turns Ctrl-C / SIGTERM / SIGHUP, or the end of the `npm start` that ran it, into an
 * ordered stop (a second Ctrl-C kills).
 */
import path from 'node:path';
import { CliError, exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { maskPassword } from './connection.ts';
import { helpOption, databaseUrlOption, parseCommand, parsePort } from './options.ts';
import { whenNpmGoes } from './npm-launcher.ts';
import { Progress } from './progress.ts';
import { DEFAULT_DB_PORT, DEFAULT_UI_PORT, QuickStart, type RunningQuickStart } from './quick-start.ts';
import { demo } from './demo-jobs.ts';

export const DEFAULT_DATA_DIR = path.join('.pgautomator', 'data');

export const startHelp = `Usage: pgautomator start [options]        (or: npm start)

Runs all of pgAutomator on this machine: a PostgreSQL database (an embedded one, kept in the data
directory between runs, unless DATABASE_URL names one), the pgautomator extension in it, one agent,
and the web UI; on the first run also a few demo jobs. Prints the UI's URL and its login. Ctrl-C
stops everything; running it again resumes with the same data. Stopped through npm (npm start) or
killed outright, it takes what it started down with it (PostgreSQL through setpriv on Linux;
elsewhere the next start stops a PostgreSQL left running).

Options:
  --database-url URL  use this database instead of an embedded one (or env DATABASE_URL); its user
                      needs to install the extension and create roles (a superuser, or CREATEROLE
                      and CREATE on the database)
  --data-dir DIR      the embedded database, generated passwords (credentials.json, mode 0600) and
                      state (default ./${DEFAULT_DATA_DIR})
  --port N            port of the embedded PostgreSQL on 127.0.0.1 (default ${DEFAULT_DB_PORT}, or the
                      next free one)
  --ui-port N         port of the web UI (default ${DEFAULT_UI_PORT}, or the next free one)
  --ui-host ADDR      interface of the web UI (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
  --agent-name NAME   name of the agent (default quickstart)
  --skip-demo         do not create the demo jobs on the first run
  -h, --help          this help

As root, PostgreSQL (which refuses to run as root) runs as the system user pgautomator, created
when missing.
`;

/** `file` relative to the working directory when it lies inside it, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function summary(result: RunningQuickStart, dataDir: string): string {
  const lines = [
    '',
    'pgAutomator is running.',
    `  UI:        ${result.uiUrl}`,
    `  login:     user ${result.admin.user}, password ${result.admin.password}`,
    `             (saved in ${shown(result.credentialsFile)}, readable only by you)`,
    result.embedded
      ? `  database:  embedded PostgreSQL ${result.embedded.version} at ${maskPassword(result.database.url)}, data in ${shown(result.embedded.pgdata)}`
      : `  database:  ${result.database.display}`,
  ];
  if (result.demoCreated) lines.push(`  demo:      ${result.demoCreated.join(', ')}, in category ${demo.category}; ${demo.helloJob} runs once now`);
  lines.push(
    `  psql:      every action is a function: SELECT * FROM pgautomator.list_jobs();`,
    '',
    `Press Ctrl-C to stop. Data stays in ${shown(dataDir)}; start again to resume.`,
    '',
  );
  return lines.join('\n');
}

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseCommand('start', argv, {
    ...databaseUrlOption,
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'ui-port': { type: 'string' },
    'ui-host': { type: 'string', default: '127.0.0.1' },
    'agent-name': { type: 'string', default: 'quickstart' },
    'skip-demo': { type: 'boolean', default: false },
    ...helpOption,
  });
  if (values.help) {
    process.stdout.write(startHelp);
    return exitCodes.ok;
  }
  const databaseUrl = values['database-url'] ?? process.env.PGAUTOMATOR_DATABASE_URL ?? process.env.DATABASE_URL;
  if (databaseUrl && values.port !== undefined) throw new CliError('--port is for the embedded database; with a database URL the port is in the URL', { exitCode: exitCodes.usage });
  const dataDir = path.resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const progress = new Progress();
  const quickStart = new QuickStart(
    {
      databaseUrl,
      dataDir,
      dataDirGiven: values['data-dir'] !== undefined,
      port: values.port === undefined ? undefined : parsePort('start', 'port', values.port),
      uiPort: values['ui-port'] === undefined ? undefined : parsePort('start', 'ui-port', values['ui-port']),
      uiHost: values['ui-host'],
      agentName: values['agent-name'],
      demo: !values['skip-demo'],
    },
    progress,
  );

  // An object, not a let: the signal handler changes it behind the type checker's back.
  const now: { phase: 'starting' | 'running' | 'stopping' } = { phase: 'starting' };
  let stopRequested: (reason: { signal?: NodeJS.Signals; failure?: string }) => void = () => undefined;
  const stopped = new Promise<{ signal?: NodeJS.Signals; failure?: string }>((resolve) => (stopRequested = resolve));
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A Ctrl-C under `npm start` arrives twice (from the terminal and forwarded by npm): a second
    // signal counts as "kill now" only when it comes a moment after the first.
    if (now.phase === 'stopping' && Date.now() - firstSignalAt < 1500) return;
    firstSignalAt ||= Date.now();
    if (now.phase === 'stopping') {
      progress.log(`${signal} again: killing everything now`);
      quickStart.kill();
      process.exit(130);
    }
    if (now.phase === 'starting') {
      now.phase = 'stopping';
      progress.log(`${signal}: interrupted while starting; stopping what runs (again to kill)`);
      void quickStart.down().finally(() => process.exit(130));
      return;
    }
    now.phase = 'stopping';
    stopRequested({ signal });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  // Under `npm start`, a signal to npm alone kills npm's shell, not us: stop when npm goes.
  const unwatchNpm = whenNpmGoes((what) => {
    progress.log(`${what} is gone`);
    onSignal('SIGTERM');
  });
  quickStart.onPartFailed = (failure) => {
    if (now.phase === 'running') {
      now.phase = 'stopping';
      stopRequested({ failure });
    }
  };

  let result: RunningQuickStart;
  try {
    result = await quickStart.up();
  } catch (error) {
    if (now.phase === 'stopping') return new Promise<number>(() => undefined); // the signal handler exits
    now.phase = 'stopping';
    await quickStart.down().catch((e: Error) => progress.log(`while stopping: ${e.message}`));
    throw error;
  }
  now.phase = 'running';
  process.stdout.write(summary(result, path.dirname(result.credentialsFile)));

  const reason = await stopped;
  if (reason.failure) progress.log(`${reason.failure}: stopping the rest`);
  else progress.log(`${reason.signal}: stopping`);
  await quickStart.down();
  for (const signal of signals) process.off(signal, onSignal);
  unwatchNpm();
  process.stdout.write(`Stopped. Data kept in ${path.dirname(result.credentialsFile)}.\n`);
  return reason.failure ? exitCodes.failure : exitCodes.ok;
}

export const startCommand: Command = { run: runStart };
