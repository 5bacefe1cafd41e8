/**
 * The translation rules of `pgautomator import` without a database (import.test.ts runs the real
 * extensions): pgAgent's flags, start and end, exceptions and "last day"; pg_cron's "N seconds"
 * and expressions our cron type refuses. Each rule that is not exact must say so in the notes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDatabaseUrl } from '../../cli/connection.ts';
import { planPgAgent, type PgAgentSource } from '../../cli/import-pgagent.ts';
import { planPgCron } from '../../cli/import-pg-cron.ts';

const source = parseDatabaseUrl('postgres://postgres@db.example.com:5432/postgres');
const flags = (n: number, on: number[], offset = 0) => Array.from({ length: n }, (_, i) => on.includes(i + offset));

function agent(schedule: Partial<PgAgentSource['schedules'][number]>, exceptions: PgAgentSource['exceptions'] = []): PgAgentSource {
  return {
    jobs: [{ jobid: '1', jobname: 'nightly', jobdesc: '', jobenabled: true, jobhostagent: '', jclname: 'Misc' }],
    steps: [{ jstjobid: '1', jstname: 's', jstenabled: true, jstkind: 's', jstcode: 'SELECT 1', jstconnstr: "host=remote port=6543 dbname=sales user=app password='x y'", jstdbname: '', jstonerror: 'f' }],
    schedules: [{
      jscid: '7', jscjobid: '1', jscname: 'main', jscenabled: true, start_date: '2026-01-01', start_time: '00:00:00', end_date: null, end_time: null,
      jscminutes: flags(60, [15]), jschours: flags(24, [3]), jscweekdays: flags(7, []), jscmonthdays: flags(32, [], 1), jscmonths: flags(12, [], 1),
      ...schedule,
    }],
    exceptions,
    timeZone: 'Europe/Berlin',
  };
}

test('pgagent: flags become the five fields, month day 31 stays exact, end at midnight is the day before', () => {
  const plan = planPgAgent(agent({ jscmonthdays: flags(32, [31], 1), end_date: '2026-07-01', end_time: '00:00:00' }), source);
  assert.equal(plan.schedules[0].spec, { type: 'cron', expression: '15 3 31 * *', time_zone: 'Europe/Berlin', start_date: '2026-01-01', end_date: '2026-06-30' });
  assert.equal(plan.notes.filter((n) => n.includes('nightly.main')), []);
});

test('pgagent: "last day of the month" alone is not translated, and said so', () => {
  const plan = planPgAgent(agent({ jscmonthdays: flags(32, [32], 1) }), source);
  assert.equal(plan.schedules, []);
  assert.ok(plan.notes.some((n) => /last day of the month" has no cron equivalent \(cron has no L\); not translated/.test(n)), plan.notes.join('\n'));
});

test('pgagent: a start at a time of day, a timed exception and a dateless one are noted', () => {
  const plan = planPgAgent(agent({ start_time: '08:30:00' }, [
    { jexscid: '7', jexdate: '2026-12-24', jextime: '03:15:00' },
    { jexscid: '7', jexdate: null, jextime: '03:15:00' },
  ]), source);
  assert.equal(plan.schedules[0].spec.exceptions, ['2026-12-24']);
  const notes = plan.notes.join('\n');
  assert.match(notes, /pgAgent starts at 2026-01-01 08:30:00; here the whole start date counts/);
  assert.match(notes, /the exception at 2026-12-24 03:15:00 excepts the whole day here/);
  assert.match(notes, /an exception at 03:15:00 on every day has no equivalent; left out/);
});

test('pgagent: a connection string becomes a connection without its password', () => {
  const plan = planPgAgent(agent({}), source);
  assert.equal(plan.connections.map((c) => c.dsn), ['postgres://app@remote:6543/sales']);
  assert.ok(plan.notes.some((n) => n.includes("connection string's password is not imported")));
  assert.is(plan.jobs[0].steps[0].on_failure, 'quit_failure');
  assert.is(plan.categories[0].name, 'Misc');
});

test('pg_cron: N seconds, a refused expression, a remote node', () => {
  const row = (jobid: string, schedule: string, nodename = 'localhost') => ({ jobid, schedule, command: 'SELECT 1', nodename, nodeport: 5433, database: 'app', username: 'u', active: true, jobname: null });
  const plan = planPgCron([row('1', '7 seconds'), row('2', '0 0 $ * *'), row('3', '@hourly', 'other.host')], 'UTC', source, '2026-12-05');
  assert.equal(plan.schedules.map((s) => s.spec), [
    { type: 'daily', start_date: '2026-12-05', time_zone: 'UTC', sub: { type: 'every', every: 7, unit: 'second' } },
    { type: 'cron', expression: '@hourly', time_zone: 'UTC' },
  ]);
  assert.equal(plan.jobs.map((j) => j.schedules), [['pg_cron.job-1'], [], ['pg_cron.job-3']]);
  const notes = plan.notes.join('\n');
  assert.match(notes, /86400 is not a multiple of 7/);
  assert.match(notes, /pg_cron\.job-2: schedule "0 0 \$ \* \*" not translated \(schedule expression field day-of-month has item "\$"/);
  assert.equal(plan.connections.map((c) => c.dsn), ['postgres://u@db.example.com:5432/app', 'postgres://u@other.host:5433/app']);
});

test.run();
