/**
 * The CLI's one door to the pgautomator API: the generated typed client (client/), limited to the
 * functions the CLI calls. No SQL text and no table names here; the client builds the calls.
 *
 * A function missing from the database (an install older than this CLI) becomes a CliError
 * saying what to do.
 */
import { createApi, type AgentsRow, type PgAutomatorApi, type Queryable, type RunningRow, type StatusRow } from '../client/index.ts';
import { CliError } from './cli-error.ts';

/** The columns of pgautomator.agents the CLI shows. */
export type AgentSummary = Pick<AgentsRow, 'name' | 'host' | 'state' | 'online' | 'running' | 'last_heartbeat_at'>;
/** The columns of pgautomator.running the CLI shows. */
export type RunningSummary = Pick<RunningRow, 'id' | 'job' | 'state' | 'agent' | 'trigger' | 'step' | 'step_position' | 'queued_at' | 'started_at'>;
/** The row of pgautomator.status(): health in one row. */
export type Health = StatusRow;

const sqlNames = {
  version: 'version',
  engine: 'engine',
  status: 'status',
  grantRole: 'grant_role',
  listAgents: 'list_agents',
  listRunning: 'list_running',
  listRuns: 'list_runs',
  listJobs: 'list_jobs',
  listSchedules: 'list_schedules',
  listCategories: 'list_categories',
  listConnections: 'list_connections',
  createCategory: 'create_category',
  createSchedule: 'create_schedule',
  createJob: 'create_job',
  addStep: 'add_step',
  attachSchedule: 'attach_schedule',
  createConnection: 'create_connection',
  updateConnection: 'update_connection',
  startJob: 'start_job',
  scriptJob: 'script_job',
} as const satisfies Partial<Record<keyof PgAutomatorApi, string>>;

/** The API functions the CLI calls (a subset of the generated client). */
export type CliApi = Pick<PgAutomatorApi, keyof typeof sqlNames>;

function explainApiError(error: unknown, name: string): unknown {
  const code = (error as { code?: string })?.code;
  if (code === '42883' || code === '3F000') {
    return new CliError(`the database's pgautomator has no pgautomator.${name}(): it is older than this CLI, or not installed`, {
      hint: 'run `pgautomator upgrade --database-url URL` (or `pgautomator install` when it is not installed)',
      cause: error,
    });
  }
  if (code === '42501' || code === 'PA040') {
    return new CliError(`permission denied for pgautomator.${name}(): ${(error as Error).message}`, {
      hint: 'connect as a role granted the pgautomator role this needs (see docs/security.md), e.g. with SELECT pgautomator.grant_role(...) as an admin',
      cause: error,
    });
  }
  return error;
}

export function openApi(db: Queryable): CliApi {
  const client = createApi(db) as unknown as Record<string, (args?: object) => Promise<unknown>>;
  const api: Record<string, (args?: object) => Promise<unknown>> = {};
  for (const [method, name] of Object.entries(sqlNames)) {
    api[method] = async (args?: object) => {
      try {
        return await client[method](args);
      } catch (error) {
        throw explainApiError(error, name);
      }
    };
  }
  return api as unknown as CliApi;
}
