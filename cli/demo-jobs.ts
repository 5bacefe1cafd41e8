/**
 * The demo the quick start creates on its first run, through the API only: a category, a shell job
 * that says hello every minute, and a SQL job that queries the pgautomator database itself through
 * a named connection whose password the agent reads from its environment (a secret reference).
 */
import { AlreadyExistsError } from '../client/index.ts';
import type { CliApi } from './api.ts';

export const demo = {
  category: 'demo',
  helloJob: 'demo-hello',
  sqlJob: 'demo-sql',
  everyMinute: 'demo-every-minute',
  everyQuarter: 'demo-every-15-minutes',
  connection: 'demo-db',
  /** The agent's environment variable holding the demo connection's password. */
  secretEnv: 'PGAUTOMATOR_DEMO_DB_PASSWORD',
} as const;

const helloCommand =
  process.platform === 'win32' ? 'echo Hello from pgAutomator at %DATE% %TIME% on %COMPUTERNAME%' : 'echo "Hello from pgAutomator at $(date) on $(hostname)"';

/** Runs `create`, treating "already exists" as done (a demo half-made by an interrupted first run). */
async function once(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
}

export async function createDemoJobs(api: CliApi, target: { dsn: string }): Promise<string[]> {
  const today = new Date().toISOString().slice(0, 10);
  await once(() => api.createCategory({ name: demo.category, description: 'Jobs made by the quick start to show pgAutomator at work; delete them at will.' }));
  await once(() =>
    api.createSchedule({
      name: demo.everyMinute,
      spec: { type: 'daily', start_date: today, time_zone: 'UTC', sub: { type: 'every', every: 1, unit: 'minute' } },
      description: 'Every minute, all day (quick-start demo).',
    }),
  );
  await once(() =>
    api.createSchedule({
      name: demo.everyQuarter,
      spec: { type: 'daily', start_date: today, time_zone: 'UTC', sub: { type: 'every', every: 15, unit: 'minute' } },
      description: 'Every 15 minutes, all day (quick-start demo).',
    }),
  );
  await once(() => api.createJob({ name: demo.helloJob, category: demo.category, description: 'Prints a greeting with the date on the agent host.' }));
  await once(() => api.addStep({ job: demo.helloJob, name: 'say-hello', kind: 'shell', command: helloCommand }));
  await once(() => api.attachSchedule({ job: demo.helloJob, schedule: demo.everyMinute }));
  await once(() =>
    api.createConnection({
      name: demo.connection,
      driver: 'postgres',
      dsn: target.dsn,
      secret_ref: `env:${demo.secretEnv}`,
      description: 'The pgautomator database itself, as the unprivileged role of the demo.',
    }),
  );
  await once(() => api.createJob({ name: demo.sqlJob, category: demo.category, description: 'Asks the database for its time, user and version.' }));
  await once(() =>
    api.addStep({
      job: demo.sqlJob,
      name: 'ask-the-database',
      kind: 'sql',
      connection: demo.connection,
      command: 'SELECT now() AS at, current_user AS who, version() AS server;',
    }),
  );
  await once(() => api.attachSchedule({ job: demo.sqlJob, schedule: demo.everyQuarter }));
  return [`${demo.helloJob} (every minute)`, `${demo.sqlJob} (every 15 minutes)`];
}
