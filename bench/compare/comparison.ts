/**
 * The side-by-side run (`npm run bench -- compare`): one throwaway cluster, the three schedulers
 * installed in one bench database, and each scenario run for one scheduler at a time while the
 * others have nothing scheduled and no daemon running (pg_cron: unscheduled; pgAgent: daemon
 * stopped, jobs deleted; ours: agents stopped, jobs disabled). So every figure is measured alone,
 * but all on the same machine in the same run, and the ratios compare like with like.
 *
 * `cleanupAll()` stops whatever is running (agents, pgagent, the cluster) and removes the cluster;
 * bench/run.ts calls it on Ctrl-C as well as at the end.
 */
import os from 'node:os';
import { fullSizes, quickSizes, type BenchContext } from './bench-context.ts';
import { BenchCluster } from './cluster.ts';
import { createFireLog } from './fire-log.ts';
import { describeMachine, loadAverage, pgbenchInserts } from './machine.ts';
import { HEARTBEAT_S, Ours } from './ours.ts';
import { PgAgent } from './pgagent.ts';
import { PgCron } from './pg-cron.ts';
import { ensurePrerequisites } from './prerequisites.ts';
import { renderReport, writeReport } from './report.ts';
import type { Section } from './report-model.ts';
import { herdSection, historySection, idleSection, nextFireSection, spreadSection } from './result-tables.ts';
import { HERD_WARM_UP_RUNS, herdOurs, herdPgAgent, herdPgCron, type HerdResult } from './scenarios/herd.ts';
import { loadOursHistory, loadPgAgentHistory, loadPgCronHistory } from './scenarios/history.ts';
import { idleOurs, idlePgAgent, idlePgCron, type IdleResult } from './scenarios/idle.ts';
import { nextFireCost } from './scenarios/next-fire.ts';
import { spreadMinuteScheduler, spreadOurs, type SpreadResult } from './scenarios/spread.ts';

export const comparisonScenarios = ['next-fire', 'spread', 'herd', 'idle', 'history'] as const;
export type ComparisonScenario = (typeof comparisonScenarios)[number];

let active: { cluster: BenchCluster; ours?: Ours; pgagent?: PgAgent } | undefined;

export async function cleanupAll(): Promise<void> {
  const current = active;
  active = undefined;
  if (!current) return;
  await current.ours?.stopAgents().catch(() => undefined);
  await current.pgagent?.stopDaemon().catch(() => undefined);
  current.cluster.stop();
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

export async function runComparison(options: { quick: boolean; only?: ComparisonScenario[]; oursOnly?: boolean }): Promise<string> {
  // --ours-only: pgAutomator's scenarios alone (pg_cron and pgAgent installed, never run), for
  // rerunning ours quickly while working on it; the side-by-side figures need the full run.
  const others = !options.oursOnly;
  const started = Date.now();
  const want = (s: ComparisonScenario) => !options.only || options.only.includes(s);
  ensurePrerequisites(log);
  const cluster = new BenchCluster(log);
  active = { cluster };
  log(`starting a throwaway PostgreSQL 15 cluster in ${cluster.root}`);
  await cluster.start();
  const pool = cluster.pool();
  pool.on('error', () => undefined); // a backend killed at shutdown must not crash the run
  try {
    await createFireLog(pool);
    const ours = new Ours(cluster, pool);
    const cron = new PgCron(pool);
    const pgagent = new PgAgent(cluster, pool);
    active = { cluster, ours, pgagent };
    const versions = { pgAutomator: await ours.install(), pg_cron: await cron.install(), pgAgent: await pgagent.install() };
    const ctx: BenchContext = { cluster, pool, ours, cron, pgagent, sizes: options.quick ? quickSizes : fullSizes, quick: options.quick, log, problems: [], profiles: [] };
    const machine = await describeMachine(ctx, versions);
    const pgbenchS = options.quick ? 2 : 10;
    for (const clients of [1, 8]) {
      log(`pgbench ceiling: ${clients} client(s), ${pgbenchS} s`);
      machine.pgbench.push({ clients, tps: pgbenchInserts(ctx, clients, pgbenchS) });
    }
    const cronSeconds = await cron.supportsSeconds();
    const sections: Section[] = [];
    const s = ctx.sizes;

    if (want('next-fire')) {
      log('next-fire computation');
      sections.push(nextFireSection(await nextFireCost(ctx)));
    }

    const herds: HerdResult[] = [];
    let emptySpreadP99: number | undefined;
    if (want('spread')) {
      const spread: Partial<Record<'ours' | 'pg_cron' | 'pgAgent', SpreadResult>> = {};
      log(`spread, ours: ${s.spreadSchedules} schedules, ${s.spreadWindowS} s`);
      spread.ours = await spreadOurs(ctx, 'spread-ours-');
      emptySpreadP99 = spread.ours.lateness.p99;
      if (others) {
        log(`spread, pg_cron: ${s.spreadSchedules} entries, ${s.spreadMinutes} minute(s)`);
        spread.pg_cron = await spreadMinuteScheduler(ctx, 'pg_cron', 'spread-cron-');
        log(`spread, pgAgent: ${s.spreadSchedules} jobs, ${s.spreadMinutes} minute(s)`);
        spread.pgAgent = await spreadMinuteScheduler(ctx, 'pgAgent', 'spread-pga-');
      }
      sections.push(
        spreadSection(
          spread,
          `Spread: ${s.spreadSchedules.toLocaleString('en-US')} schedules firing every minute`,
          `pg_cron ${versions.pg_cron} ${cronSeconds ? 'accepts' : 'does not accept'} the '[1-59] seconds' syntax (it arrived in pg_cron 1.5), and pgAgent has minute resolution: both run ${s.spreadSchedules.toLocaleString('en-US')} every-minute jobs, which all fire at second 0 (${s.spreadMinutes} minute(s) measured); pgAgent polls every 1 s here (its fastest; default 10 s), pg_cron uses its defaults (libpq connection per job, at most 32 at once). Ours runs 2 agents x 16 concurrent runs, heartbeat 10 s.`,
        ),
      );
      // A minute of pg_cron's or pgAgent's spread run is a herd of spreadSchedules simultaneous fires.
      for (const r of [spread.pg_cron, spread.pgAgent]) {
        if (!r?.firstMinute) continue;
        herds.push({ scheduler: r.scheduler, n: s.spreadSchedules, instant: r.firstMinute.instant, started: r.firstMinute.started, lastStartS: r.firstMinute.lastStartS, completed: NaN, lastCompletedS: NaN, timedOut: r.firstMinute.started + (r.failed ?? 0) < s.spreadSchedules, failed: r.failed });
      }
    }

    let emptyThroughput: number | undefined;
    let emptyDbCpuPerRun: number | undefined;
    if (want('herd')) {
      for (const n of s.herds) {
        log(`herd, ours: ${n}`);
        herds.push(await herdOurs(ctx, `herd-ours-${n}-`, n));
        // pg_cron's and pgAgent's herd of spreadSchedules comes from their spread run when it ran.
        if ((n === s.spreadSchedules && want('spread')) || !others) continue;
        log(`herd, pg_cron: ${n}`);
        herds.push(await herdPgCron(ctx, `herd-cron-${n}-`, n));
        log(`herd, pgAgent: ${n}`);
        herds.push(await herdPgAgent(ctx, `herd-pga-${n}-`, n));
      }
      const biggest = herds.find((h) => h.scheduler === 'ours' && h.n === Math.max(...s.herds));
      emptyThroughput = biggest ? biggest.completed / biggest.lastCompletedS : undefined;
      emptyDbCpuPerRun = biggest?.cpuPerRunUs?.db;
      sections.push(
        herdSection(herds, 'Herd: fires due at the same instant, and end-to-end throughput', [
          'Instant -> last start: the last job\'s INSERT (clock_timestamp()) minus the instant. Runs completed and recorded/s: runs the scheduler itself recorded as succeeded (ours: job_run.finished_at; pg_cron: cron.job_run_details.end_time; pgAgent: pga_joblog start + duration) over the time from the instant to the last one, synchronous_commit on.',
          `Ours: the agents start for each herd and run ${HERD_WARM_UP_RUNS.toLocaleString('en-US')} no-op runs of other jobs before the instant (warm, as agents in service are; started seconds before, they spent about twice the CPU per run in a herd of 1,000).`,
          `pg_cron's and pgAgent's ${s.spreadSchedules.toLocaleString('en-US')} row is the first minute of their spread run (all their every-minute jobs fire at second 0), so it has no completion figure. A herd that had not all started after ${s.herdTimeoutS} s is reported as timed out with what had started.`,
        ]),
      );
    }

    if (want('idle')) {
      const idle: IdleResult[] = [];
      log(`idle, ours with 0 schedules: ${Math.round(s.idleWindowS / 2)} s`);
      idle.push(await idleOurs(ctx, 'idle-ours-empty-', 0, Math.round(s.idleWindowS / 2)));
      log(`idle, ours: ${s.idleSchedules} schedules, ${s.idleWindowS} s`);
      idle.push(await idleOurs(ctx, 'idle-ours-', s.idleSchedules, s.idleWindowS));
      log(`idle, pg_cron: ${s.idleSchedules} entries, ${s.idleWindowS} s`);
      idle.push(await idlePgCron(ctx, 'idle-cron-', s.idleSchedules, s.idleWindowS));
      log(`idle, pgAgent: ${s.idleSchedules} jobs, ${s.idleWindowS} s`);
      idle.push(await idlePgAgent(ctx, 'idle-pga-', s.idleSchedules, s.idleWindowS));
      sections.push(idleSection(idle, HEARTBEAT_S));
    }

    if (want('history')) {
      log(`history: loading ${s.historyRows.toLocaleString('en-US')} rows for ours`);
      const loadS = await loadOursHistory(ctx, s.historyRows);
      log(`history loaded in ${loadS.toFixed(0)} s; spread again`);
      // The empty case's window: a p99 of half the samples is a noisier figure to compare with.
      const spread = await spreadOurs(ctx, 'hist-spread-ours-');
      const n = Math.max(...s.herds);
      log(`history: herd ${n} again`);
      const herd = await herdOurs(ctx, `hist-herd-ours-${n}-`, n);
      sections.push(
        historySection(
          { spreadP99: emptySpreadP99, throughput: emptyThroughput, dbCpuPerRunUs: emptyDbCpuPerRun },
          { spreadP99: spread.lateness.p99, throughput: herd.completed / herd.lastCompletedS, dbCpuPerRunUs: herd.cpuPerRunUs?.db, rows: s.historyRows, loadS },
        ),
      );
      if (s.historyForAll) {
        await loadPgCronHistory(ctx, s.historyRows);
        await loadPgAgentHistory(ctx, s.historyRows);
      }
    }

    const minutes = (Date.now() - started) / 60_000;
    const markdown = renderReport({
      title: `pgAutomator side by side with pg_cron and pgAgent${options.quick ? ' (quick run: smaller counts, a smoke test)' : ''}${others ? '' : ' (ours only)'}`,
      machine,
      preamble: [
        `Run ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench -- ${options.only ? options.only.join(' ') : 'compare'}${options.quick ? ' --quick' : ''}${others ? '' : ' --ours-only'}\` (bench/compare/). Every timestamp is the database's \`clock_timestamp()\`. Ratios are ours / other: below 1 means ours took less (for lateness, time, cost) or did less (for rates). The machine is shared with other work, so absolute figures move between runs; the ratios, measured minutes apart, are the comparison.`,
      ],
      sections,
      problems: ctx.problems,
      profiles: ctx.profiles,
      endLine: `Whole run: ${minutes.toFixed(1)} minutes; load average at the end ${loadAverage()}.`,
    });
    const file = writeReport(markdown, os.hostname(), options.quick);
    console.log(`\n${markdown}`);
    log(`written to ${file}`);
    return file;
  } finally {
    await pool.end().catch(() => undefined);
    await cleanupAll();
  }
}
