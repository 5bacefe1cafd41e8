/**
 * `pgautomator import pg-cron|pgagent`: moves jobs from pg_cron or pgAgent (issue 16). Reads the
 * source's catalog with plain SQL (import-pg-cron.ts, import-pgagent.ts), prints the plan and what
 * cannot be translated exactly (the default, --dry-run), and with --apply creates everything
 * through the API functions in one transaction (import-plan.ts). Running it again creates nothing
 * new; the source jobs are disabled only with --disable-source, after the import committed.
 */
import { CliError, UsageError, exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { connect, parseDatabaseUrl } from './connection.ts';
import { requireInstalled } from './extension-state.ts';
import { applyPlan, existingNames, renderPlan, type ImportPlan } from './import-plan.ts';
import { disablePgAgentJobs, planPgAgent, readPgAgent } from './import-pgagent.ts';
import { disablePgCronJobs, planPgCron, readPgCron } from './import-pg-cron.ts';
import { openApi } from './api.ts';
import { databaseUrlOption, helpOption, parseCommand, requireDatabaseUrl } from './options.ts';

export const importHelp = `Usage: pgautomator import pg-cron|pgagent --database-url URL [--source-url URL] [--dry-run | --apply] [--disable-source]

Moves jobs from pg_cron or pgAgent into pgautomator.

  pg-cron   reads cron.job (command, schedule, database, username, active; "N seconds" too):
            one job per pg_cron job in category pg_cron, one SQL step on a connection to the
            job's database as its user, and a cron schedule (time zone: cron.timezone, else UTC).
  pgagent   reads pgAgent's jobs, steps (SQL and batch), schedules (minutes, hours, weekdays,
            month days, months, start, end, exceptions) and job classes: job classes become
            categories, SQL steps run on a connection to the database each step names, batch
            steps become shell steps, schedules become cron schedules in the source's time zone.

Names: pg_cron.<jobname or job-ID>, pgagent.<jobname>; a name that exists is kept as it is, so a
second run creates nothing new. Connections carry no password: give one with update_connection
(secret_ref) where the role needs it.

Options:
  --database-url URL   the pgautomator database (or env DATABASE_URL); the role needs pgautomator_admin
  --source-url URL     the database holding cron.job (pg_cron's cron.database_name) or the pgagent
                       schema; default: the --database-url database
  --dry-run            print the plan and what cannot be translated exactly (the default)
  --apply              create the plan, in one transaction, through the API functions
  --disable-source     with --apply: afterwards disable the imported jobs in pg_cron
                       (cron.alter_job(..., active := false)) or pgAgent (pga_job.jobenabled)
  -h, --help           this help
`;

const sources = ['pg-cron', 'pgagent'] as const;
type Source = (typeof sources)[number];

export async function runImport(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    process.stdout.write(importHelp);
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (!(sources as readonly string[]).includes(first)) {
    throw new UsageError(`import from ${JSON.stringify(first)}: the sources are ${sources.join(', ')}`, 'import');
  }
  const source = first as Source;
  const { values } = parseCommand('import', rest, {
    ...databaseUrlOption,
    'source-url': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    apply: { type: 'boolean', default: false },
    'disable-source': { type: 'boolean', default: false },
    ...helpOption,
  });
  if (values.help) {
    process.stdout.write(importHelp);
    return exitCodes.ok;
  }
  if (values.apply && values['dry-run']) throw new UsageError('--apply and --dry-run exclude each other', 'import');
  if (values['disable-source'] && !values.apply) throw new UsageError('--disable-source needs --apply (a dry run changes nothing)', 'import');

  const target = parseDatabaseUrl(requireDatabaseUrl('import', values['database-url']));
  const from = values['source-url'] === undefined ? target : parseDatabaseUrl(values['source-url']);
  const sourceClient = await connect(from, 'pgautomator-import');
  try {
    let plan: ImportPlan;
    let sourceIds: string[];
    try {
      if (source === 'pg-cron') {
        const read = await readPgCron(sourceClient);
        plan = planPgCron(read.jobs, read.timeZone, from, new Date().toISOString().slice(0, 10));
        sourceIds = read.jobs.map((j) => j.jobid);
      } else {
        const read = await readPgAgent(sourceClient);
        plan = planPgAgent(read, from);
        sourceIds = read.jobs.map((j) => j.jobid);
      }
    } catch (error) {
      throw new CliError(`cannot read ${source} in ${from.display}: ${(error as Error).message}`, {
        hint: '--source-url names the database that holds it (pg_cron: the database of cron.database_name)',
        cause: error,
      });
    }

    const client = target === from ? sourceClient : await connect(target, 'pgautomator-import');
    try {
      await requireInstalled(client, target);
      if (!values.apply) {
        process.stdout.write(renderPlan(plan, await existingNames(openApi(client), plan)));
        process.stdout.write('\nDry run: nothing was created. Run again with --apply to create it.\n');
        return exitCodes.ok;
      }
      const result = await applyPlan(client, plan);
      process.stdout.write(renderPlan(plan, result.existing));
      const n = (k: keyof typeof result.created) => result.created[k].length;
      process.stdout.write(
        `\nCreated ${n('jobs')} job(s), ${n('schedules')} schedule(s), ${n('connections')} connection(s), ${n('categories')} categor${n('categories') === 1 ? 'y' : 'ies'}` +
          `; kept ${result.existing.jobs.length} existing job(s).\n`,
      );
    } finally {
      if (client !== sourceClient) await client.end().catch(() => undefined);
    }

    if (values['disable-source'] && sourceIds.length > 0) {
      if (source === 'pg-cron') await disablePgCronJobs(sourceClient, sourceIds);
      else await disablePgAgentJobs(sourceClient, sourceIds);
      process.stdout.write(`Disabled ${sourceIds.length} job(s) in ${source}.\n`);
    }
    return exitCodes.ok;
  } finally {
    await sourceClient.end().catch(() => undefined);
  }
}

export const importCommand: Command = { run: runImport };
