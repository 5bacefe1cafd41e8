/**
 * What `pgautomator import` would create, shown before anything is written (--dry-run), and its
 * application (--apply) through the API functions only, in one transaction, skipping whatever
 * already exists by name, so that a second run creates nothing new.
 *
 * The readers of the sources (import-pg-cron.ts, import-pgagent.ts) build a plan; this module
 * knows nothing of them.
 */
import type { Json, Queryable } from '../client/index.ts';
import { openApi, type CliApi } from './api.ts';

export interface PlannedStep {
  name: string;
  kind: 'sql' | 'shell';
  command: string;
  /** sql: the connection's name. */
  connection?: string;
  shell?: string;
  on_failure?: 'next' | 'quit_failure' | 'quit_success';
  enabled?: boolean;
}

export interface PlannedJob {
  name: string;
  description: string;
  category: string;
  enabled: boolean;
  steps: PlannedStep[];
  /** Names of planned (or existing) schedules to attach. */
  schedules: string[];
  /** Where it came from, for the plan's listing and --disable-source. */
  source: string;
}

export interface ImportPlan {
  /** 'pg_cron' or 'pgAgent'. */
  from: string;
  categories: { name: string; description: string }[];
  connections: { name: string; dsn: string; description: string }[];
  schedules: { name: string; spec: Record<string, unknown>; description: string }[];
  jobs: PlannedJob[];
  /** What cannot be translated exactly, and why; also what was left out. */
  notes: string[];
}

export interface ApplyResult {
  created: { categories: string[]; connections: string[]; schedules: string[]; jobs: string[] };
  existing: { categories: string[]; connections: string[]; schedules: string[]; jobs: string[] };
}

/** The plan as text for a person: what would be created, then the notes. */
export function renderPlan(plan: ImportPlan, existing?: ApplyResult['existing']): string {
  const mark = (kind: keyof ApplyResult['existing'], name: string) => (existing?.[kind].includes(name) ? ' (exists, kept as it is)' : '');
  const lines: string[] = [`Import from ${plan.from}: ${plan.jobs.length} job(s)`];
  for (const c of plan.categories) lines.push(`  category   ${c.name}${mark('categories', c.name)}`);
  for (const c of plan.connections) lines.push(`  connection ${c.name}: postgres ${c.dsn}${mark('connections', c.name)}`);
  for (const s of plan.schedules) lines.push(`  schedule   ${s.name}: ${JSON.stringify(s.spec)}${mark('schedules', s.name)}`);
  for (const j of plan.jobs) {
    lines.push(`  job        ${j.name}${j.enabled ? '' : ' (disabled)'} from ${j.source}${mark('jobs', j.name)}`);
    for (const s of j.steps) {
      const where = s.kind === 'sql' ? `sql on ${s.connection}` : `shell (${s.shell ?? 'sh'})`;
      lines.push(`    step     ${s.name}: ${where}: ${oneLine(s.command)}`);
    }
    if (j.schedules.length > 0) lines.push(`    schedules ${j.schedules.join(', ')}`);
    else lines.push('    no schedule (start it by hand, or attach one)');
  }
  if (plan.notes.length > 0) {
    lines.push('', 'Not translated exactly:');
    for (const n of plan.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** Names that already exist in the target, through the list_* API functions. */
export async function existingNames(api: CliApi, plan: ImportPlan): Promise<ApplyResult['existing']> {
  const [categories, connections, schedules, jobs] = await Promise.all([api.listCategories(), api.listConnections(), api.listSchedules(), api.listJobs()]);
  const has = (rows: { name: string | null }[], wanted: string[]) => {
    const names = new Set(rows.map((r) => r.name));
    return wanted.filter((n) => names.has(n));
  };
  return {
    categories: has(categories, plan.categories.map((c) => c.name)),
    connections: has(connections, plan.connections.map((c) => c.name)),
    schedules: has(schedules, plan.schedules.map((s) => s.name)),
    jobs: has(jobs, plan.jobs.map((j) => j.name)),
  };
}

/**
 * Creates what does not exist yet, in one transaction on `db` (BEGIN ... COMMIT; ROLLBACK on any
 * error, so nothing is half-written). A job that exists is left alone whole: its steps and
 * schedules are not touched, so a job a user changed after the first import stays as they left it.
 */
export async function applyPlan(db: Queryable & { query(text: string): Promise<unknown> }, plan: ImportPlan): Promise<ApplyResult> {
  const api = openApi(db);
  await db.query('BEGIN');
  try {
    const existing = await existingNames(api, plan);
    const created: ApplyResult['created'] = { categories: [], connections: [], schedules: [], jobs: [] };
    for (const c of plan.categories) {
      if (existing.categories.includes(c.name)) continue;
      await api.createCategory({ name: c.name, description: c.description });
      created.categories.push(c.name);
    }
    for (const c of plan.connections) {
      if (existing.connections.includes(c.name)) continue;
      await api.createConnection({ name: c.name, driver: 'postgres', dsn: c.dsn, description: c.description });
      created.connections.push(c.name);
    }
    for (const s of plan.schedules) {
      if (existing.schedules.includes(s.name)) continue;
      await api.createSchedule({ name: s.name, spec: s.spec as Json, description: s.description });
      created.schedules.push(s.name);
    }
    for (const j of plan.jobs) {
      if (existing.jobs.includes(j.name)) continue;
      await api.createJob({ name: j.name, description: j.description, category: j.category, enabled: j.enabled });
      for (const s of j.steps) {
        await api.addStep({
          job: j.name,
          name: s.name,
          kind: s.kind,
          command: s.command,
          // undefined, not null: an argument left out takes the function's default.
          connection: s.connection,
          shell: s.shell,
          on_failure: s.on_failure,
          enabled: s.enabled,
        });
      }
      for (const schedule of j.schedules) await api.attachSchedule({ job: j.name, schedule });
      created.jobs.push(j.name);
    }
    await db.query('COMMIT');
    return { created, existing };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A name the API accepts (1..200 characters for jobs; 1..100 for categories and connections). */
export function clip(name: string, max: number): string {
  return name.length <= max ? name : name.slice(0, max);
}
