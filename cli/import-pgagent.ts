/**
 * `pgautomator import pgagent`: reads pgAgent's tables (schema pgagent) with plain SQL and plans
 * the equivalent jobs: job classes become categories, SQL steps run on a connection to the
 * database each step names (or its connection string), batch steps become shell steps, and each
 * pgAgent schedule (minute/hour/weekday/month-day/month flags, start, end, exceptions) a `cron`
 * schedule in the source's time zone. What cannot be said exactly is listed in the plan's notes.
 */
import type pg from 'pg';
import { checkSchedule } from '../extension-src/engine/sql-entry.ts';
import type { DatabaseTarget } from './connection.ts';
import { clip, type ImportPlan, type PlannedJob, type PlannedStep } from './import-plan.ts';

interface AgentJob {
  jobid: string;
  jobname: string;
  jobdesc: string;
  jobenabled: boolean;
  jobhostagent: string;
  jclname: string | null;
}

interface AgentStep {
  jstjobid: string;
  jstname: string;
  jstenabled: boolean;
  jstkind: string;
  jstcode: string;
  jstconnstr: string;
  jstdbname: string;
  jstonerror: string;
}

interface AgentSchedule {
  jscid: string;
  jscjobid: string;
  jscname: string;
  jscenabled: boolean;
  start_date: string;
  start_time: string;
  end_date: string | null;
  end_time: string | null;
  jscminutes: boolean[];
  jschours: boolean[];
  jscweekdays: boolean[];
  jscmonthdays: boolean[];
  jscmonths: boolean[];
}

interface AgentException {
  jexscid: string;
  jexdate: string | null;
  jextime: string | null;
}

export interface PgAgentSource {
  jobs: AgentJob[];
  steps: AgentStep[];
  schedules: AgentSchedule[];
  exceptions: AgentException[];
  timeZone: string;
}

export async function readPgAgent(source: pg.ClientBase): Promise<PgAgentSource> {
  const present = await source.query("SELECT to_regclass('pgagent.pga_job') IS NOT NULL AS present");
  if (!present.rows[0].present) throw new Error('the source database has no pgagent.pga_job table (is pgAgent installed there? CREATE EXTENSION pgagent)');
  const jobs = await source.query<AgentJob>(
    `SELECT j.jobid::text AS jobid, j.jobname, j.jobdesc, j.jobenabled, j.jobhostagent, c.jclname
       FROM pgagent.pga_job AS j LEFT JOIN pgagent.pga_jobclass AS c ON c.jclid = j.jobjclid ORDER BY j.jobid`,
  );
  // pgAgent runs a job's steps in the order of their names (then ids).
  const steps = await source.query<AgentStep>(
    `SELECT jstjobid::text AS jstjobid, jstname, jstenabled, jstkind::text AS jstkind, jstcode, jstconnstr, jstdbname, jstonerror::text AS jstonerror
       FROM pgagent.pga_jobstep ORDER BY jstjobid, jstname, jstid`,
  );
  // Start and end as local dates and times in the source session's time zone, which pgAgent's
  // own schedule arithmetic uses.
  const schedules = await source.query<AgentSchedule>(
    `SELECT jscid::text AS jscid, jscjobid::text AS jscjobid, jscname, jscenabled,
            to_char(jscstart, 'YYYY-MM-DD') AS start_date, to_char(jscstart, 'HH24:MI:SS') AS start_time,
            to_char(jscend, 'YYYY-MM-DD') AS end_date, to_char(jscend, 'HH24:MI:SS') AS end_time,
            jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths
       FROM pgagent.pga_schedule ORDER BY jscjobid, jscid`,
  );
  const exceptions = await source.query<AgentException>(
    `SELECT jexscid::text AS jexscid, to_char(jexdate, 'YYYY-MM-DD') AS jexdate, to_char(jextime, 'HH24:MI:SS') AS jextime
       FROM pgagent.pga_exception ORDER BY jexid`,
  );
  const tz = await source.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
  return { jobs: jobs.rows, steps: steps.rows, schedules: schedules.rows, exceptions: exceptions.rows, timeZone: tz.rows[0].tz };
}

export function planPgAgent(src: PgAgentSource, source: DatabaseTarget): ImportPlan {
  const plan: ImportPlan = { from: 'pgAgent', categories: [], connections: [], schedules: [], jobs: [], notes: [] };
  const used = new Set<string>();
  for (const row of src.jobs) {
    let name = clip(`pgagent.${row.jobname}`, 200);
    if (used.has(name)) name = clip(`pgagent.${row.jobname}#${row.jobid}`, 200);
    used.add(name);
    const category = clip(row.jclname ?? 'pgAgent', 100);
    if (!plan.categories.some((c) => c.name === category)) plan.categories.push({ name: category, description: `pgAgent job class ${category} (imported)` });
    const job: PlannedJob = {
      name,
      description: row.jobdesc || `Imported from pgAgent job ${row.jobid}`,
      category,
      enabled: row.jobenabled,
      steps: [],
      schedules: [],
      source: `pgAgent job ${row.jobid}`,
    };
    if (row.jobhostagent) plan.notes.push(`${name}: pgAgent ran it only on host agent ${JSON.stringify(row.jobhostagent)}; any agent may run it here (set agent or agent_tags with update_job)`);

    const stepNames = new Set<string>();
    for (const s of src.steps.filter((st) => st.jstjobid === row.jobid)) {
      let stepName = clip(s.jstname || 'step', 200);
      for (let k = 2; stepNames.has(stepName); k++) stepName = clip(`${s.jstname} (${k})`, 200);
      stepNames.add(stepName);
      const step: PlannedStep = { name: stepName, kind: 'sql', command: s.jstcode, enabled: s.jstenabled, on_failure: onError(s.jstonerror) };
      if (s.jstonerror === 's') plan.notes.push(`${name}, step ${stepName}: pgAgent counts a failure as success; here the step fails and the job goes on to the next step`);
      if (s.jstkind === 'b') {
        step.kind = 'shell';
        step.shell = 'sh';
        plan.notes.push(`${name}, step ${stepName}: a batch step becomes a shell step (sh) on whichever agent runs the job`);
      } else {
        step.connection = connectionFor(plan, s, source, name, stepName);
      }
      job.steps.push(step);
    }

    for (const sc of src.schedules.filter((x) => x.jscjobid === row.jobid)) {
      const scheduleName = clip(`${name}.${sc.jscname || sc.jscid}`, 200);
      const spec = scheduleSpec(sc, src.exceptions.filter((e) => e.jexscid === sc.jscid), src.timeZone, (note) => plan.notes.push(`${scheduleName}: ${note}`));
      if (spec === undefined) continue;
      const problem = checkSchedule(JSON.stringify(spec));
      if (problem !== null) {
        plan.notes.push(`${scheduleName}: not translated (${problem.message})`);
        continue;
      }
      plan.schedules.push({ name: scheduleName, spec, description: `pgAgent schedule ${sc.jscid} of job ${row.jobid}${sc.jscenabled ? '' : ' (disabled in pgAgent: imported without it)'}` });
      if (sc.jscenabled) job.schedules.push(scheduleName);
      else plan.notes.push(`${scheduleName}: disabled in pgAgent, so created but not attached to ${name}`);
    }
    plan.jobs.push(job);
  }
  return plan;
}

function onError(code: string): PlannedStep['on_failure'] {
  return code === 's' || code === 'i' ? 'next' : 'quit_failure';
}

/** A connection for a SQL step: the database it names on the pgAgent host, or its connection string. */
function connectionFor(plan: ImportPlan, s: AgentStep, source: DatabaseTarget, job: string, step: string): string {
  let dsn: string;
  let label: string;
  if (s.jstconnstr.trim() !== '') {
    const parts = parseConninfo(s.jstconnstr);
    if (parts.password !== undefined) plan.notes.push(`${job}, step ${step}: the connection string's password is not imported (set secret_ref with update_connection)`);
    const host = parts.host ?? source.host;
    const port = parts.port ?? String(source.port);
    const user = parts.user ?? source.user;
    const db = parts.dbname ?? user;
    dsn = `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(db)}`;
    label = `${user}@${host}:${port}/${db}`;
  } else {
    const db = s.jstdbname || source.database;
    dsn = `postgres://${encodeURIComponent(source.user)}@${source.host}:${source.port}/${encodeURIComponent(db)}`;
    label = `${source.user}@${db}`;
  }
  const name = clip(`pgagent.${label}`, 100);
  if (!plan.connections.some((c) => c.name === name)) {
    plan.connections.push({ name, dsn, description: 'Where pgAgent ran SQL steps (imported; no password: set secret_ref with update_connection if needed)' });
  }
  return name;
}

/** libpq `key=value` pairs (values may be 'quoted'). */
function parseConninfo(text: string): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/g)) out[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return out;
}

const list = (flags: boolean[], offset: number) => {
  const on: number[] = [];
  flags.forEach((f, i) => {
    if (f) on.push(i + offset);
  });
  return on;
};

/** pgAgent flags as a cron spec, or undefined (with a note) when no cron expression says them. */
function scheduleSpec(sc: AgentSchedule, exceptions: AgentException[], timeZone: string, note: (text: string) => void): Record<string, unknown> | undefined {
  const minutes = list(sc.jscminutes, 0);
  const hours = list(sc.jschours, 0);
  const weekdays = list(sc.jscweekdays, 0); // pgAgent: index 0 = Sunday, as cron
  const monthDays = list(sc.jscmonthdays.slice(0, 31), 1);
  const lastDay = sc.jscmonthdays[31] === true;
  const months = list(sc.jscmonths, 1);
  if (lastDay) {
    if (monthDays.length === 0) {
      note('"last day of the month" has no cron equivalent (cron has no L); not translated');
      return undefined;
    }
    note('"last day of the month" has no cron equivalent and is left out; the other month days are kept');
  }
  if (weekdays.length > 0 && monthDays.length > 0) {
    // pgAgent wants both; cron (Vixie) fires when either matches once both are restricted.
    note('both weekdays and month days are set: pgAgent fires when both match, cron when either does; not translated');
    return undefined;
  }
  const field = (values: number[]) => (values.length === 0 ? '*' : values.join(','));
  const expression = [field(minutes), field(hours), field(monthDays), field(months), field(weekdays)].join(' ');
  if (minutes.length === 0) note('no minute is set: pgAgent then fires every minute, and so does this (minute field *)');
  const spec: Record<string, unknown> = { type: 'cron', expression, time_zone: timeZone, start_date: sc.start_date };
  if (sc.start_time !== '00:00:00') note(`pgAgent starts at ${sc.start_date} ${sc.start_time}; here the whole start date counts (fires earlier that day too)`);
  if (sc.end_date !== null) {
    if (sc.end_time === '00:00:00') {
      spec.end_date = previousDay(sc.end_date);
    } else {
      spec.end_date = sc.end_date;
      note(`pgAgent ends at ${sc.end_date} ${sc.end_time}; here the whole end date counts (fires later that day too)`);
    }
    if ((spec.end_date as string) < sc.start_date) {
      note('it ends before it starts; not translated');
      return undefined;
    }
  }
  const dates: string[] = [];
  for (const e of exceptions) {
    if (e.jexdate === null) {
      note(`an exception at ${e.jextime} on every day has no equivalent; left out`);
      continue;
    }
    dates.push(e.jexdate);
    if (e.jextime !== null) note(`the exception at ${e.jexdate} ${e.jextime} excepts the whole day here`);
  }
  if (dates.length > 0) spec.exceptions = dates;
  return spec;
}

function previousDay(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Disables the imported pgAgent jobs in pgAgent's own table (pgAgent has no function for it). */
export async function disablePgAgentJobs(source: pg.ClientBase, jobIds: string[]): Promise<void> {
  await source.query('UPDATE pgagent.pga_job SET jobenabled = false WHERE jobid = ANY($1::int[])', [jobIds]);
}
