/**
 * The jsonb shapes of the agent protocol (docs/agent-protocol.md) as TypeScript types, and the
 * parsers that turn the database's answers into them. The database module produces these; the run
 * flow and the executors consume them without importing the database module.
 */

export const stepStates = ['succeeded', 'failed', 'killed', 'timed_out'] as const;
/** How a step attempt, or a run, ended as the agent reports it. */
export type FinalState = (typeof stepStates)[number];
/**
 * How a run ended as the agent reports it: a step's final states, or abandoned: the agent gave the
 * run up (its lease ran out, or it stopped before the run could end), and the job's on_abandon
 * decides whether the database retries it.
 */
export type RunEndState = FinalState | 'abandoned';

export const flowActions = ['next', 'goto', 'quit_success', 'quit_failure'] as const;
export type FlowAction = (typeof flowActions)[number];

export interface SqlConnection {
  name: string;
  driver: string;
  dsn: string;
  secretRef: string | null;
}

export interface ClaimedStep {
  stepId: number;
  position: number;
  name: string;
  enabled: boolean;
  kind: 'shell' | 'sql';
  command: string;
  shell: string | null;
  workingDir: string | null;
  env: Record<string, string>;
  successCodes: number[];
  /** Seconds, or null: no limit. */
  timeout: number | null;
  retries: number;
  /** Seconds before the first retry. */
  retryDelay: number;
  retryBackoff: number;
  onSuccess: FlowAction;
  onSuccessGoto: number | null;
  onFailure: FlowAction;
  onFailureGoto: number | null;
  connection: SqlConnection | null;
}

export const onAbandonPolicies = ['fail', 'retry', 'wait'] as const;
export type OnAbandon = (typeof onAbandonPolicies)[number];

export interface ClaimedRun {
  runId: number;
  jobId: number;
  job: string;
  trigger: string;
  schedule: string | null;
  scheduledFor: string;
  attempt: number;
  startPosition: number;
  /** Job timeout in seconds, or null. */
  timeout: number | null;
  /**
   * The job's on_abandon: `wait` means the agent does not fence this run's steps when its lease runs
   * out (the database waits for this agent to come back); fail and retry runs are fenced.
   */
  onAbandon: OnAbandon;
  /** The attempt the claim began (attempt 1 of the first enabled step from startPosition), or null. */
  begun: { stepId: number; stepRunId: number } | null;
  steps: ClaimedStep[];
}

export interface SmtpSettings {
  host: string;
  port: number | null;
  security: 'none' | 'starttls' | 'tls';
  user: string | null;
  passwordRef: string | null;
  from: string | null;
}

export interface Registration {
  agentId: number;
  heartbeatInterval: number;
  deadAfter: number;
  /** Seconds the agent's steps may go on without contact (null: an older database; see leaseSeconds). */
  lease: number | null;
  smtp: SmtpSettings | null;
  /** Runs the database recorded abandoned because this registration did not resume them. */
  abandoned: number;
  /** Runs offered in resume_runs that the database no longer has running on this agent: stop them. */
  kill: number[];
  /** Runs offered in resume_runs still running on this agent, as claim_runs gives them (absent from older databases: none). */
  resume: ClaimedRun[];
}

export interface Heartbeat {
  state: 'online' | 'draining' | 'offline';
  kill: number[];
  /** Seconds until the next fire this agent could run; null when none is known. */
  nextDueIn: number | null;
  queued: number;
  /** Mail this agent could deliver now (0 without SMTP settings). */
  mailDue: number;
  /** Its SMTP settings now (set_agent_smtp reaches a running agent this way). */
  smtp: SmtpSettings | null;
  /** Seconds, as in Registration (null: an older database). */
  lease: number | null;
}

/** The lease the database grants, or, from a database that does not say, 3 heartbeat intervals. */
export function leaseSeconds(answer: { lease: number | null }, heartbeatIntervalS: number): number {
  return answer.lease !== null && answer.lease > 0 ? answer.lease : 3 * heartbeatIntervalS;
}

export interface MailMessage {
  id: number;
  recipients: string[];
  sender: string | null;
  subject: string;
  body: string;
}

/** The database answered with something this agent does not understand (version mismatch). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type JsonObject = Record<string, unknown>;

function object(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ProtocolError(`${what}: expected an object, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}
function num(o: JsonObject, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`${what}.${key}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}
function numOrNull(o: JsonObject, key: string, what: string): number | null {
  return o[key] === null || o[key] === undefined ? null : num(o, key, what);
}
function str(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError(`${what}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}
function strOrNull(o: JsonObject, key: string, what: string): string | null {
  return o[key] === null || o[key] === undefined ? null : str(o, key, what);
}
function numbers(o: JsonObject, key: string, what: string): number[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ProtocolError(`${what}.${key}: expected an array of numbers`);
  return v as number[];
}
function oneOf<T extends string>(o: JsonObject, key: string, allowed: readonly T[], what: string): T {
  const v = str(o, key, what);
  if (!(allowed as readonly string[]).includes(v)) throw new ProtocolError(`${what}.${key}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function parseSmtp(value: unknown): SmtpSettings | null {
  if (value === null || value === undefined) return null;
  const o = object(value, 'smtp');
  return {
    host: str(o, 'host', 'smtp'),
    port: numOrNull(o, 'port', 'smtp'),
    security: oneOf(o, 'security', ['none', 'starttls', 'tls'] as const, 'smtp'),
    user: strOrNull(o, 'user', 'smtp'),
    passwordRef: strOrNull(o, 'password_ref', 'smtp'),
    from: strOrNull(o, 'from', 'smtp'),
  };
}

export function parseRegistration(value: unknown): Registration {
  const o = object(value, 'register_agent');
  return {
    agentId: num(o, 'agent_id', 'register_agent'),
    heartbeatInterval: num(o, 'heartbeat_interval', 'register_agent'),
    deadAfter: num(o, 'dead_after', 'register_agent'),
    lease: numOrNull(o, 'lease', 'register_agent'),
    smtp: parseSmtp(o.smtp),
    abandoned: numOrNull(o, 'abandoned', 'register_agent') ?? 0,
    kill: numbers(o, 'kill', 'register_agent'),
    resume: parseResume(o.resume),
  };
}

function parseResume(value: unknown): ClaimedRun[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ProtocolError('register_agent.resume: expected an array');
  return value.map(parseClaimedRun);
}

export function parseHeartbeat(value: unknown): Heartbeat {
  const o = object(value, 'agent_heartbeat');
  return {
    state: oneOf(o, 'state', ['online', 'draining', 'offline'] as const, 'agent_heartbeat'),
    kill: numbers(o, 'kill', 'agent_heartbeat'),
    nextDueIn: numOrNull(o, 'next_due_in', 'agent_heartbeat'),
    queued: num(o, 'queued', 'agent_heartbeat'),
    mailDue: num(o, 'mail_due', 'agent_heartbeat'),
    smtp: parseSmtp(o.smtp),
    lease: numOrNull(o, 'lease', 'agent_heartbeat'),
  };
}

function parseStep(value: unknown, at: string): ClaimedStep {
  const o = object(value, at);
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries(object(o.env ?? {}, `${at}.env`))) env[key] = typeof v === 'string' ? v : JSON.stringify(v);
  const connection = o.connection === null || o.connection === undefined ? null : object(o.connection, `${at}.connection`);
  return {
    stepId: num(o, 'step_id', at),
    position: num(o, 'position', at),
    name: str(o, 'name', at),
    enabled: o.enabled !== false,
    kind: oneOf(o, 'kind', ['shell', 'sql'] as const, at),
    command: str(o, 'command', at),
    shell: strOrNull(o, 'shell', at),
    workingDir: strOrNull(o, 'working_dir', at),
    env,
    successCodes: o.success_codes === null || o.success_codes === undefined ? [0] : numbers(o, 'success_codes', at),
    timeout: numOrNull(o, 'timeout', at),
    retries: numOrNull(o, 'retries', at) ?? 0,
    retryDelay: numOrNull(o, 'retry_delay', at) ?? 0,
    retryBackoff: numOrNull(o, 'retry_backoff', at) ?? 1,
    onSuccess: oneOf(o, 'on_success', flowActions, at),
    onSuccessGoto: numOrNull(o, 'on_success_goto', at),
    onFailure: oneOf(o, 'on_failure', flowActions, at),
    onFailureGoto: numOrNull(o, 'on_failure_goto', at),
    connection: connection && {
      name: str(connection, 'name', `${at}.connection`),
      driver: str(connection, 'driver', `${at}.connection`),
      dsn: str(connection, 'dsn', `${at}.connection`),
      secretRef: strOrNull(connection, 'secret_ref', `${at}.connection`),
    },
  };
}

export function parseClaimedRun(value: unknown): ClaimedRun {
  const o = object(value, 'claim_runs');
  const at = `run ${String(o.run_id)}`;
  const steps = o.steps ?? [];
  if (!Array.isArray(steps)) throw new ProtocolError(`${at}.steps: expected an array`);
  return {
    runId: num(o, 'run_id', at),
    jobId: num(o, 'job_id', at),
    job: str(o, 'job', at),
    trigger: str(o, 'trigger', at),
    schedule: strOrNull(o, 'schedule', at),
    scheduledFor: str(o, 'scheduled_for', at),
    attempt: numOrNull(o, 'attempt', at) ?? 1,
    startPosition: numOrNull(o, 'start_position', at) ?? 1,
    timeout: numOrNull(o, 'timeout', at),
    onAbandon: parseOnAbandon(o.on_abandon),
    begun: parseBegun(o.begun, `${at}.begun`),
    steps: steps.map((s, i) => parseStep(s, `${at}.steps[${i}]`)).sort((a, b) => a.position - b.position),
  };
}

/**
 * on_abandon; absent (an older database) or a value this agent does not know: fail, i.e. the run is
 * fenced at lease expiry, the safe side (never a step running beside its retry).
 */
function parseOnAbandon(value: unknown): OnAbandon {
  return (onAbandonPolicies as readonly unknown[]).includes(value) ? (value as OnAbandon) : 'fail';
}

/** A claim's begun attempt; absent (an older database) or null: none. Only attempt 1 is used. */
function parseBegun(value: unknown, at: string): ClaimedRun['begun'] {
  if (value === undefined || value === null) return null;
  const o = object(value, at);
  if (num(o, 'attempt', at) !== 1) return null;
  return { stepId: num(o, 'step_id', at), stepRunId: num(o, 'step_run_id', at) };
}

export function parseMailMessage(value: unknown): MailMessage {
  const o = object(value, 'claim_notifications');
  const recipients = o.recipients;
  if (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string')) throw new ProtocolError('claim_notifications.recipients: expected an array of strings');
  return {
    id: num(o, 'id', 'claim_notifications'),
    recipients: recipients as string[],
    sender: strOrNull(o, 'sender', 'claim_notifications'),
    subject: str(o, 'subject', 'claim_notifications'),
    body: str(o, 'body', 'claim_notifications'),
  };
}
