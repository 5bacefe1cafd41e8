/**
 * `pgautomator status`: health in one row (pgautomator.status()), then the agents and the running
 * jobs, read through the API functions status(), list_agents() and list_running() of the typed client.
 */
import { openApi, type AgentSummary, type Health, type RunningSummary } from './api.ts';
import { CliError, exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { connect, parseDatabaseUrl } from './connection.ts';
import { packageVersion } from './extension-installer.ts';
import { compareVersions, requireInstalled } from './extension-state.ts';
import { databaseUrlOption, helpOption, parseCommand, requireDatabaseUrl } from './options.ts';
import { formatDuration, textTable } from './text-table.ts';

export const statusHelp = `Usage: pgautomator status --database-url URL [--json]

Shows the health of the scheduler (what SELECT * FROM pgautomator.status(); shows in psql):
agents online, draining and silent (their lease ran out), runs running, queued and late (due
over a minute ago and not started), runs failed in the last hour and day, the jobs whose last
run failed, mail waiting to be sent; then the agents (state, host, how many runs each is
running, last heartbeat) and the jobs that are running or queued, read through
pgautomator.list_agents() and pgautomator.list_running(). Needs a role granted
pgautomator_viewer (or more).

Options:
  --database-url URL   the database, as postgres://USER:PASSWORD@HOST:PORT/DATABASE (or env DATABASE_URL)
  --json               print one JSON object {database, version, route, engine, health, agents, running}
                       instead of text; health holds the columns of pgautomator.status()
  -h, --help           this help
`;

const iso = (value: Date | string | null | undefined) => (value == null ? null : value instanceof Date ? value.toISOString() : String(value));
const time = (value: Date | string | null | undefined) => (value == null ? '-' : new Date(value).toTimeString().slice(0, 8));
const ago = (value: Date | string | null | undefined, now: number) => (value == null ? '-' : `${formatDuration(now - new Date(value).getTime())} ago`);

export function renderAgents(agents: AgentSummary[], now: number): string {
  if (agents.length === 0) return 'Agents: none has registered yet (start one: pgautomator agent --help)';
  const rows = agents.map((a) => [
    a.name ?? '?',
    a.state ?? '?',
    a.online ? 'yes' : 'no',
    a.host ?? '-',
    String(a.running ?? 0),
    ago(a.last_heartbeat_at, now),
  ]);
  return `Agents (${agents.length}):\n${textTable(['NAME', 'STATE', 'ALIVE', 'HOST', 'RUNNING', 'LAST HEARTBEAT'], rows)}`;
}

const plural = (n: number | null, one: string, many = `${one}s`) => `${n ?? 0} ${(n ?? 0) === 1 ? one : many}`;

/** The row of pgautomator.status() as a few labelled lines. */
export function renderHealth(h: Health): string {
  const failing = h.jobs_failing ? `${plural(h.jobs_failing, 'job')} whose last run failed: ${(h.failing_jobs ?? []).join(', ')}` : 'none';
  const lines = [
    ['agents', `${h.agents_online ?? 0} online, ${h.agents_draining ?? 0} draining, ${h.agents_silent ?? 0} silent`],
    ['runs', `${h.runs_running ?? 0} running, ${h.runs_queued ?? 0} queued, ${h.runs_late ?? 0} late`],
    ['failed runs', `${h.failed_last_hour ?? 0} in the last hour, ${h.failed_last_day ?? 0} in the last day`],
    ['failing jobs', failing],
    ['mail', `${h.mail_waiting ?? 0} waiting`],
  ];
  return `Health:\n${lines.map(([k, v]) => `  ${k.padEnd(13)}${v}`).join('\n')}`;
}

export function renderRunning(running: RunningSummary[], now: number): string {
  if (running.length === 0) return 'Running jobs: none';
  const rows = running.map((r) => [
    String(r.id ?? '?'),
    r.job ?? '?',
    r.state ?? '?',
    r.agent ?? '-',
    r.step == null ? '-' : `${r.step_position ?? '?'}. ${r.step}`,
    r.trigger ?? '-',
    r.started_at == null ? `queued ${ago(r.queued_at, now)}` : time(r.started_at),
    r.started_at == null ? '-' : formatDuration(now - new Date(r.started_at).getTime()),
  ]);
  return `Running jobs (${running.length}):\n${textTable(['RUN', 'JOB', 'STATE', 'AGENT', 'STEP', 'TRIGGER', 'STARTED', 'ELAPSED'], rows)}`;
}

export async function runStatus(argv: string[]): Promise<number> {
  const { values } = parseCommand('status', argv, { ...databaseUrlOption, json: { type: 'boolean', default: false }, ...helpOption });
  if (values.help) {
    process.stdout.write(statusHelp);
    return exitCodes.ok;
  }
  const target = parseDatabaseUrl(requireDatabaseUrl('status', values['database-url']));
  const client = await connect(target);
  try {
    const installed = await requireInstalled(client, target);
    const ours = await packageVersion();
    const api = openApi(client);
    let reads: [Health, Awaited<ReturnType<typeof api.listAgents>>, Awaited<ReturnType<typeof api.listRunning>>];
    try {
      const [health] = await api.status();
      reads = [health, await api.listAgents(), await api.listRunning()];
    } catch (error) {
      const missing = error instanceof CliError ? /has no (pgautomator\.\w+\(\))/.exec(error.message)?.[1] : undefined;
      if (missing && compareVersions(installed.version, ours) < 0) {
        throw new CliError(`pgautomator ${installed.version} in this database is too old for this CLI (${ours}): it has no ${missing}`, {
          hint: `run: pgautomator upgrade --database-url ${target.display}`,
          cause: error,
        });
      }
      throw error;
    }
    const [health, agents, running] = reads;
    const engine = health.engine;
    if (compareVersions(installed.version, ours) !== 0) {
      const advice = compareVersions(installed.version, ours) < 0 ? `run pgautomator upgrade --database-url ${target.display}` : 'upgrade this CLI';
      process.stderr.write(`note: the database has pgautomator ${installed.version}, this CLI is ${ours}: ${advice}\n`);
    }
    if (values.json) {
      const out = {
        database: { host: target.host, port: target.port, name: target.database },
        version: installed.version,
        route: installed.route,
        engine,
        health,
        agents: (agents satisfies AgentSummary[]).map((a) => ({ ...a, last_heartbeat_at: iso(a.last_heartbeat_at) })),
        running: (running satisfies RunningSummary[]).map((r) => ({ ...r, queued_at: iso(r.queued_at), started_at: iso(r.started_at) })),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return exitCodes.ok;
    }
    const now = Date.now();
    process.stdout.write(
      `pgautomator ${installed.version} (engine ${engine ?? '?'}) in database ${JSON.stringify(target.database)} on ${target.host}:${target.port}\n\n` +
        `${renderHealth(health)}\n\n${renderAgents(agents, now)}\n\n${renderRunning(running, now)}\n`,
    );
    return exitCodes.ok;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const statusCommand: Command = { run: runStatus };
