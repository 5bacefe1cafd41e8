/**
 * The drill's work: jobs of 1-3 shell steps that write the ledger (ledger.ts), with step retries
 * (a first attempt fails at random; some steps' work outlasts the lease), on_abandon retry, overlap `skip` on every other job (`allow`
 * on the rest), each on its own schedule firing every few seconds, plus manual starts (start_job)
 * at random. Made through the admin API, as an operator would; a seeded generator makes the job
 * set the same for the same seed.
 */
import type pg from 'pg';
import { stepCommand } from './ledger.ts';

export interface WorkloadSizes {
  jobs: number;
  /** Schedules fire every 3 .. 3 + spread seconds (per job). */
  everyMinS: number;
  everySpreadS: number;
  /** One manual start_job of a random job every this many ms. */
  manualEveryMs: number;
  /** A step's work: a sleep of minS .. minS + spreadS seconds. */
  sleepMinS: number;
  sleepSpreadS: number;
  /** Share of steps whose work outlasts the lease (longMinS .. longMinS + sleepSpreadS), so a step
   *  left running by a dead agent is still running when its run is retried. */
  longShare: number;
  longMinS: number;
  failFirst: number;
}

export interface DrillJob {
  name: string;
  steps: number;
  overlap: 'skip' | 'allow';
  everyS: number;
  /** Positions of its steps whose work outlasts the lease. */
  longSteps: number[];
}

/** mulberry32: small, seeded, good enough to pick sizes. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createWorkload(pool: pg.Pool, ledger: string, sizes: WorkloadSizes, random: () => number): Promise<DrillJob[]> {
  const jobs: DrillJob[] = [];
  const today = new Date().toISOString().slice(0, 10);
  for (let i = 1; i <= sizes.jobs; i++) {
    const job: DrillJob = {
      name: `drill-${i}`,
      steps: 1 + ((i - 1) % 3),
      overlap: i % 2 === 0 ? 'skip' : 'allow',
      everyS: sizes.everyMinS + Math.floor(random() * (sizes.everySpreadS + 1)),
      longSteps: [],
    };
    await pool.query("SELECT pgautomator.create_job($1, overlap => $2, on_abandon => 'retry', abandon_retries => 3)", [job.name, job.overlap]);
    for (let s = 1; s <= job.steps; s++) {
      const long = random() < sizes.longShare;
      if (long) job.longSteps.push(s);
      const sleepS = (long ? sizes.longMinS : sizes.sleepMinS) + random() * sizes.sleepSpreadS;
      const command = stepCommand(ledger, { sleepS, failFirst: sizes.failFirst });
      // Most steps retry a failed first attempt; one in five does not, so some runs fail.
      const retries = random() < 0.8 ? 1 + Math.floor(random() * 2) : 0;
      await pool.query("SELECT pgautomator.add_step($1, $2, 'shell', $3, shell => 'bash', retries => $4, retry_delay => '0.3 seconds')", [job.name, `s${s}`, command, retries]);
    }
    const spec = { type: 'daily', start_date: today, time_zone: 'UTC', sub: { type: 'every', every: job.everyS, unit: 'second' } };
    await pool.query('SELECT pgautomator.create_schedule($1, $2)', [job.name, JSON.stringify(spec)]);
    await pool.query('SELECT pgautomator.attach_schedule($1, $1)', [job.name]);
    jobs.push(job);
  }
  return jobs;
}

export interface ManualStarts {
  started: number;
  /** PA030: the job's overlap policy refused it (a run of a skip job is active). */
  refused: number;
  /** The database was away (a fault), or another error. */
  failed: number;
  stop(): Promise<void>;
}

/** Starts a random job by hand every `everyMs` until stop(). */
export function startManualStarts(pool: pg.Pool, jobs: DrillJob[], everyMs: number, random: () => number): ManualStarts {
  let running = true;
  const counts: ManualStarts = {
    started: 0,
    refused: 0,
    failed: 0,
    stop: async () => {
      running = false;
      await loop;
    },
  };
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, everyMs * (0.5 + random())));
      if (!running) break;
      const job = jobs[Math.floor(random() * jobs.length)];
      try {
        await pool.query('SELECT pgautomator.start_job($1)', [job.name]);
        counts.started++;
      } catch (error) {
        if ((error as { code?: string }).code === 'PA030') counts.refused++;
        else counts.failed++;
      }
    }
  })();
  return counts;
}

/** Settling: no schedule fires any more (queued and running runs go on). */
export async function stopSchedules(pool: pg.Pool, jobs: DrillJob[]): Promise<void> {
  for (const job of jobs) await pool.query("SELECT pgautomator.disable_schedule($1, 'fault drill: settling')", [job.name]);
}
