/**
 * `pgautomator script-job NAME`: prints the SQL that recreates a job (pgautomator.script_job), to
 * keep in version control or run with psql in another database.
 */
import { openApi } from './api.ts';
import { CliError, exitCodes, UsageError } from './cli-error.ts';
import type { Command } from './command.ts';
import { connect, parseDatabaseUrl } from './connection.ts';
import { databaseUrlOption, helpOption, parseCommand, requireDatabaseUrl } from './options.ts';

export const scriptJobHelp = `Usage: pgautomator script-job NAME --database-url URL

Prints the SQL that recreates job NAME (what SELECT pgautomator.script_job('NAME'); returns): in
one transaction, its category and schedules (each created only if missing), create_job with every
property, its steps in order, mail, triggers and alert rules. Connections are named, never their
DSN or secret. Run it with psql: pgautomator script-job backup > backup.sql; psql -f backup.sql.
Where the job exists already the script fails and changes nothing. Needs a role granted
pgautomator_viewer (or more).

Options:
  --database-url URL   the database, as postgres://USER:PASSWORD@HOST:PORT/DATABASE (or env DATABASE_URL)
  -h, --help           this help
`;

export async function runScriptJob(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('script-job', argv, { ...databaseUrlOption, ...helpOption }, true);
  if (values.help) {
    process.stdout.write(scriptJobHelp);
    return exitCodes.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'the job NAME is missing' : `one job NAME only (got ${positionals.length})`, 'script-job');
  const target = parseDatabaseUrl(requireDatabaseUrl('script-job', values['database-url']));
  const client = await connect(target);
  try {
    const script = await openApi(client).scriptJob({ name: positionals[0] });
    if (script == null) throw new CliError(`pgautomator.script_job returned nothing for job ${JSON.stringify(positionals[0])}`);
    process.stdout.write(script);
    return exitCodes.ok;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const scriptJobCommand: Command = { run: runScriptJob };
