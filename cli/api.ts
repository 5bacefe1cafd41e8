/**
 * The CLI's one door to the pgautomator API: the generated typed client (client/), limited to the
 * functions the CLI calls. No SQL text and no table names here; the client builds the calls.
 *
 * Each method takes its type from the generated client once the extension build has the function
 * (so a renamed argument or column breaks the type check here), and the local fallback before
 * that. At run time a function missing from the generated manifest, or from the database (an
 * older install), becomes a CliError saying what to do.
 */
import { apiFunctions, createApi, type PgAutomatorApi, type Queryable } from '../client/index.ts';
import { CliError } from './cli-error.ts';

type Generated<Name extends string, Fallback> = Name extends keyof PgAutomatorApi ? PgAutomatorApi[Name] : Fallback;
type Nullable<T> = { [K in keyof T]: T[K] | null };

/** The columns of pgautomator.agents the CLI shows. */
export type AgentSummary = Nullable<{
  name: string;
  host: string;
  os: string;
  state: string;
  online: boolean;
  running: number;
  last_heartbeat_at: Date;
}>;
/** The columns of pgautomator.running the CLI shows. */
export type RunningSummary = Nullable<{
  id: number;
  job: string;
  state: string;
  agent: string;
  trigger: string;
  step: string;
  step_position: number;
  queued_at: Date;
  started_at: Date;
}>;
/** The columns of pgautomator.runs the CLI reads. */
export type RunSummary = Nullable<{ id: number; job: string; state: string; agent: string; trigger: string; finished_at: Date }>;
export type JobSummary = Nullable<{ id: number; name: string }>;

/** The API functions the CLI uses (SQL names), with their fallback types. */
export interface CliApi {
  version: Generated<'version', () => Promise<string | null>>;
  engine: Generated<'engine', () => Promise<string | null>>;
  grantRole: Generated<'grantRole', (args: { role_name: string; access: string }) => Promise<unknown>>;
  listAgents: Generated<'listAgents', (args?: Record<string, never>) => Promise<AgentSummary[]>>;
  listRunning: Generated<'listRunning', (args?: Record<string, never>) => Promise<RunningSummary[]>>;
  listRuns: Generated<'listRuns', (args?: { job?: string | null }) => Promise<RunSummary[]>>;
  listJobs: Generated<'listJobs', (args?: Record<string, never>) => Promise<JobSummary[]>>;
  createCategory: Generated<'createCategory', (args: { name: string; description?: string | null }) => Promise<number | null>>;
  createSchedule: Generated<
    'createSchedule',
    (args: { name: string; spec: unknown; enabled?: boolean | null; description?: string | null }) => Promise<number | null>
  >;
  createJob: Generated<'createJob', (args: { name: string; description?: string | null; category?: string | null }) => Promise<number | null>>;
  addStep: Generated<
    'addStep',
    (args: { job: string; name: string; kind: string; command: string; shell?: string | null; connection?: string | null }) => Promise<number | null>
  >;
  attachSchedule: Generated<'attachSchedule', (args: { job: string; schedule: string }) => Promise<void>>;
  createConnection: Generated<
    'createConnection',
    (args: { name: string; driver: string; dsn: string; secret_ref?: string | null; description?: string | null }) => Promise<number | null>
  >;
  updateConnection: Generated<'updateConnection', (args: { name: string; dsn?: string | null }) => Promise<void>>;
  startJob: Generated<'startJob', (args: { job: string }) => Promise<number | null>>;
}

const sqlNames = {
  version: 'version',
  engine: 'engine',
  grantRole: 'grant_role',
  listAgents: 'list_agents',
  listRunning: 'list_running',
  listRuns: 'list_runs',
  listJobs: 'list_jobs',
  createCategory: 'create_category',
  createSchedule: 'create_schedule',
  createJob: 'create_job',
  addStep: 'add_step',
  attachSchedule: 'attach_schedule',
  createConnection: 'create_connection',
  updateConnection: 'update_connection',
  startJob: 'start_job',
} as const satisfies Record<keyof CliApi, string>;

export type CliFunction = (typeof sqlNames)[keyof typeof sqlNames];

/** True when this build's client knows the API function `name`. */
export function hasApiFunction(name: CliFunction): boolean {
  return Object.hasOwn(apiFunctions, name);
}

/** Throws a CliError when one of `names` is not in this build's API (the extension predates it). */
export function requireApiFunctions(...names: CliFunction[]): void {
  const missing = names.filter((name) => !hasApiFunction(name));
  if (missing.length > 0) {
    throw new CliError(
      `this build of pgautomator has no ${missing.map((name) => `pgautomator.${name}()`).join(', ')} (not in client/generated/api.ts)`,
      { hint: 'the extension sources predate it: update the checkout, then `npm run build && npx tsx scripts/gen-api-client.ts`' },
    );
  }
}

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
      requireApiFunctions(name);
      try {
        return await client[method](args);
      } catch (error) {
        throw explainApiError(error, name);
      }
    };
  }
  return api as unknown as CliApi;
}
