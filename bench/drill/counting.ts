/**
 * Counts the ledger against the database (read through the runs and step_runs views, as a
 * superuser, after settling) and the agents' logs. Every count's target is zero:
 *
 *  a  an attempt executed twice: the same run, step and attempt started more than once;
 *  a2 a finished run executed again: a retry (on_abandon) of a run whose work had all been done
 *     (its job's last step ended with exit 0 in the ledger), in the chain of runs linked by
 *     retry_of. A retry of a run that died mid-way runs its earlier steps again by design
 *     (at least once): counted apart, not in a2;
 *  b  executions that overlapped in time: two of the same fire (a run and its retry, or two
 *     steps of one run), or two runs of an overlap-`skip` job;
 *  c  work done but recorded otherwise: an end line whose step run is not `succeeded` (exit 0) or
 *     `failed` (exit 1); a start without an end line recorded succeeded/failed; a recorded
 *     succeeded/failed attempt that never started;
 *  d  runs stuck: queued or running after settling;
 *  e1 results an agent dropped (its log says so);
 *  e2 ledger end lines with no end recorded at all (step run still running, abandoned, or absent);
 *     every e2 is also a c.
 * Plus the rescue time of each SIGKILLed agent's runs (kill -> run recorded abandoned).
 */
import type pg from 'pg';
import type { DrillAgent } from './agents.ts';
import type { FaultRecord } from './faults.ts';
import { executionEnd, executionKey, type Execution } from './ledger.ts';
import type { DrillJob } from './workload.ts';

export interface RunRow {
  id: number;
  job: string;
  state: string;
  trigger: string;
  retry_of: number | null;
  agent: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  message: string | null;
}

export interface StepRunRow {
  run_id: number;
  position: number;
  attempt: number;
  state: string;
  agent: string | null;
  exit_code: number | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface Snapshot {
  runs: RunRow[];
  stepRuns: StepRunRow[];
}

export async function readSnapshot(pool: pg.Pool): Promise<Snapshot> {
  const runs = await pool.query(
    "SELECT id::int, job, state, trigger, retry_of::int, agent, started_at, finished_at, message FROM pgautomator.runs WHERE job LIKE 'drill-%' ORDER BY id",
  );
  const stepRuns = await pool.query(
    "SELECT run_id::int, position, attempt, state, agent, exit_code, started_at, finished_at FROM pgautomator.step_runs WHERE job LIKE 'drill-%' ORDER BY id",
  );
  return { runs: runs.rows as RunRow[], stepRuns: stepRuns.rows as StepRunRow[] };
}

export interface Finding {
  count: string;
  what: string;
}

export interface Rescue {
  kind: string;
  agent: string;
  at: number;
  restartMs: number;
  victims: number;
  /** Seconds from the kill to the last victim recorded abandoned; null when none was. */
  seconds: number | null;
  states: string;
}

export interface Counts {
  twice: number;
  redone: number;
  overlapped: number;
  recordedOtherwise: number;
  stuck: number;
  droppedLogged: number;
  endsUnrecorded: number;
  rescues: Rescue[];
  findings: Finding[];
  totals: Record<string, number>;
}

/** The names of the faults that touched an execution (its agent's, or the cluster's), for the details. */
function faultsDuring(e: Execution, agent: string | null, faults: FaultRecord[]): string {
  const end = executionEnd(e);
  const names = faults
    .filter((f) => f.at <= end + 1000 && f.until >= e.startMs - 1000 && (!f.agent || f.agent === agent))
    .map((f) => f.kind + (f.agent ? ` ${f.agent}` : ''));
  return names.length ? ` (during ${[...new Set(names)].join(', ')})` : '';
}

/**
 * How long before its agent's SIGKILL a step may end and still be out of anyone's reach: the agent
 * had not yet read the exit, or its report was on its way, when it died. Such work is done and
 * cannot be recorded by anyone (the at-least-once window every scheduler has); the run is
 * abandoned and retried by the rules. Reported apart, not counted in a2, c or e2.
 */
export const inFlightMs = 1000;

/**
 * The execution ended at most inFlightMs before its agent was SIGKILLed, or while the killed agent
 * was dying (between the signal and its exit, when nothing it ran could be recorded either).
 */
function endedAsAgentDied(e: Execution, agent: string | null | undefined, faults: FaultRecord[]): boolean {
  const end = e.endMs;
  if (end === undefined || !agent) return false;
  return faults.some((f) => {
    if ((f.kind !== 'sigkill' && f.kind !== 'outage-sigkill') || f.agent !== agent || f.killedAt === undefined) return false;
    return end >= f.killedAt - inFlightMs && end <= Math.max(f.killedAt, f.goneAt ?? f.killedAt);
  });
}

const overlaps = (x: Execution, y: Execution) => x.startMs < executionEnd(y) && y.startMs < executionEnd(x);
const describe = (e: Execution) => `run ${e.runId} step ${e.position} attempt ${e.attempt}`;

export function count(executions: Execution[], snapshot: Snapshot, jobs: DrillJob[], agents: DrillAgent[], faults: FaultRecord[]): Counts {
  const findings: Finding[] = [];
  const runById = new Map(snapshot.runs.map((r) => [r.id, r]));
  const stepRun = new Map(snapshot.stepRuns.map((s) => [executionKey(s.run_id, s.position, s.attempt), s]));
  const root = (id: number): number => {
    let run = runById.get(id);
    while (run?.retry_of) run = runById.get(run.retry_of) ?? undefined;
    return run?.id ?? id;
  };

  // a: the same attempt started twice.
  const byKey = new Map<string, Execution[]>();
  for (const e of executions) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  let twice = 0;
  for (const [key, list] of byKey) {
    if (list.length < 2) continue;
    twice++;
    findings.push({ count: 'a', what: `attempt ${key} (run:step:attempt) started ${list.length} times, pids ${list.map((e) => e.pid).join(', ')}` });
  }

  // a2 and b, per fire (chain of retries).
  const byFire = new Map<number, Execution[]>();
  for (const e of executions) byFire.set(root(e.runId), [...(byFire.get(root(e.runId)) ?? []), e]);
  const stepsOf = new Map(jobs.map((j) => [j.name, j.steps]));
  let redone = 0;
  let inFlight = 0;
  let stepsRedone = 0;
  let overlapped = 0;
  for (const [fire, list] of byFire) {
    list.sort((x, y) => x.startMs - y.startMs);
    const doneSteps = new Map<number, number>(); // position -> run in which it ended with exit 0
    let finishedRun: number | undefined;
    let finishedAsAgentDied = false;
    const reported = new Set<number>();
    for (const e of list) {
      if (finishedRun !== undefined && e.runId !== finishedRun && !reported.has(e.runId)) {
        reported.add(e.runId);
        if (finishedAsAgentDied) {
          inFlight++;
          findings.push({ count: 'in flight', what: `fire ${fire}: run ${finishedRun} ended its work as its agent was SIGKILLed; its retry run ${e.runId} ran again` });
        } else {
          redone++;
          findings.push({ count: 'a2', what: `fire ${fire}: run ${finishedRun} had done all its work, its retry run ${e.runId} ran again` });
        }
      } else if (doneSteps.has(e.position) && doneSteps.get(e.position) !== e.runId) stepsRedone++;
      if (e.exitCode === 0 && !doneSteps.has(e.position)) doneSteps.set(e.position, e.runId);
      if (e.exitCode === 0 && e.position === stepsOf.get(e.job) && finishedRun === undefined) {
        finishedRun = e.runId;
        finishedAsAgentDied = endedAsAgentDied(e, stepRun.get(e.key)?.agent ?? runById.get(e.runId)?.agent, faults);
      }
    }
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        if (overlaps(list[i], list[j])) {
          overlapped++;
          findings.push({ count: 'b', what: `fire ${fire}: ${describe(list[i])} and ${describe(list[j])} ran at the same time` });
        }
  }
  const skipJobs = new Set(jobs.filter((j) => j.overlap === 'skip').map((j) => j.name));
  const bySkipJob = new Map<string, Execution[]>();
  for (const e of executions) if (skipJobs.has(e.job)) bySkipJob.set(e.job, [...(bySkipJob.get(e.job) ?? []), e]);
  for (const [job, list] of bySkipJob)
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        if (root(list[i].runId) !== root(list[j].runId) && overlaps(list[i], list[j])) {
          overlapped++;
          findings.push({ count: 'b', what: `overlap-skip job ${job}: ${describe(list[i])} and ${describe(list[j])} (another fire) ran at the same time` });
        }

  // c and e2: the ledger against the step runs.
  let recordedOtherwise = 0;
  let endsUnrecorded = 0;
  for (const e of executions) {
    const recorded = stepRun.get(e.key);
    const state = recorded?.state ?? 'no step run';
    const during = faultsDuring(e, recorded?.agent ?? null, faults);
    if (e.endMs !== undefined) {
      const expected = e.exitCode === 0 ? 'succeeded' : 'failed';
      if (state === expected) continue;
      if ((state === 'abandoned' || state === 'running' || !recorded) && endedAsAgentDied(e, recorded?.agent ?? runById.get(e.runId)?.agent, faults)) {
        inFlight++;
        findings.push({ count: 'in flight', what: `${describe(e)} ended with exit ${e.exitCode} at most ${inFlightMs} ms before its agent was SIGKILLed (or while it was dying), recorded ${state}` });
        continue;
      }
      recordedOtherwise++;
      const what = `${describe(e)} ended with exit ${e.exitCode}, recorded ${state}${during}`;
      findings.push({ count: 'c', what });
      if (!recorded || state === 'running' || state === 'abandoned') {
        endsUnrecorded++;
        findings.push({ count: 'e2', what });
      }
    } else if (state === 'succeeded' || state === 'failed') {
      recordedOtherwise++;
      findings.push({ count: 'c', what: `${describe(e)} never ended (no end line), recorded ${state}${during}` });
    }
  }
  for (const [key, s] of stepRun) {
    if ((s.state === 'succeeded' || s.state === 'failed') && !byKey.has(key)) {
      recordedOtherwise++;
      findings.push({ count: 'c', what: `step run ${key} (run:step:attempt) recorded ${s.state} but never started` });
    }
  }

  // d: stuck.
  const stuckRuns = snapshot.runs.filter((r) => r.state === 'running' || r.state === 'queued');
  for (const r of stuckRuns) findings.push({ count: 'd', what: `run ${r.id} (${r.job}) still ${r.state}${r.agent ? ` on ${r.agent}` : ''}` });

  // e1: the agents' own word.
  let droppedLogged = 0;
  for (const agent of agents) {
    for (const line of agent.logLines((msg) => msg.includes('dropped'))) {
      droppedLogged++;
      findings.push({ count: 'e1', what: `${agent.name}: ${line.msg} (run ${line.run ?? '?'}, ${line.op ?? ''})` });
    }
  }

  const rescues: Rescue[] = faults
    .filter((f) => f.kind === 'sigkill' || f.kind === 'outage-sigkill')
    .map((f) => {
      const victims = (f.victims ?? []).map((id) => runById.get(id)).filter((r): r is RunRow => !!r);
      const abandoned = victims.filter((r) => r.state === 'abandoned' && r.finished_at);
      const killedAt = f.killedAt ?? f.at;
      const seconds = abandoned.length ? Math.max(...abandoned.map((r) => (r.finished_at!.getTime() - killedAt) / 1000)) : null;
      const states = Object.entries(victims.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.state]: (acc[r.state] ?? 0) + 1 }), {}))
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      return { kind: f.kind, agent: f.agent!, at: killedAt, restartMs: f.ms, victims: victims.length, seconds, states };
    });

  const totals: Record<string, number> = {
    runs: snapshot.runs.length,
    'runs executed (a step started)': new Set(executions.map((e) => e.runId)).size,
    'step executions': executions.length,
    'retry runs (on_abandon)': snapshot.runs.filter((r) => r.trigger === 'retry').length,
    'step retries (attempt > 1)': executions.filter((e) => e.attempt > 1).length,
    'steps run again by a retry of a run that died mid-way (at least once, by design)': stepsRedone,
    [`work that ended at most ${inFlightMs} ms before its agent was SIGKILLed or while it died (unrecordable, retried by design)`]: inFlight,
  };
  for (const r of snapshot.runs) totals[`runs ${r.state}`] = (totals[`runs ${r.state}`] ?? 0) + 1;

  return { twice, redone, overlapped, recordedOtherwise, stuck: stuckRuns.length, droppedLogged, endsUnrecorded, rescues, findings, totals };
}

/** The counts whose target is zero, with their labels, in table order. */
export const targets = [
  { id: 'a', key: 'twice', what: 'attempts executed twice (same run, step, attempt)' },
  { id: 'a2', key: 'redone', what: 'finished runs executed again (a retry of a run whose work was all done)' },
  { id: 'b', key: 'overlapped', what: 'overlapping executions (same fire, or two fires of a skip job)' },
  { id: 'c', key: 'recordedOtherwise', what: 'work done but recorded otherwise' },
  { id: 'd', key: 'stuck', what: 'runs stuck (queued or running after settling)' },
  { id: 'e1', key: 'droppedLogged', what: "results dropped (agents' logs)" },
  { id: 'e2', key: 'endsUnrecorded', what: 'ledger ends with no recorded end (also in c)' },
] as const satisfies ReadonlyArray<{ id: string; key: keyof Counts; what: string }>;

export function targetRows(c: Counts): Array<[string, string, number]> {
  return targets.map((t) => [t.id, t.what, c[t.key]]);
}
