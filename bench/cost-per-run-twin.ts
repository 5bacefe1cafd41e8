/**
 * Database CPU per no-op run, this checkout's functions against those of another commit, measured
 * side by side in one process (`npx tsx bench/cost-per-run-twin.ts REF`), or against another
 * checkout's whole install (`npx tsx bench/cost-per-run-twin.ts --checkout PATH`: its built
 * extension-build/ script, tables and all, in a database of its own).
 *
 * Why: on a shared virtual machine the CPU time of the same work drifts by 10-40 % from one minute
 * to the next (bench/README.md), so two runs of bench/cost-per-run.ts minutes apart cannot tell a
 * 5 % change. Here two databases are made alike (bench/cost-per-run.ts's fixture), then the twin's
 * functions are replaced by REF's: every file under extension-src/sql/functions and
 * extension-src/sql/engine that REF has otherwise (or that this checkout removed), as REF has it
 * (CREATE OR REPLACE; files added since REF stay, as they are). Both agents then take turns round by round, the order swapped every round, so both
 * meet the same drift. Only for changes of functions: tables, indexes and signatures must be the
 * same at REF (a file that fails to apply stops the run); for older commits, --checkout.
 *
 * Prints, per arm, µs of the agent backend's CPU per run (claim + report, and the counters' fold
 * where the install has one: bench/cost-per-run.ts, fold()), and the ratio
 * this checkout / REF over blocks of rounds (median, lowest, highest).
 *
 * Env: as bench/cost-per-run.ts (PGAUTOMATOR_BENCH_CLAIM, PGAUTOMATOR_BENCH_ROUND_FIRES,
 * PGAUTOMATOR_TEST_DATABASE_URL), PGAUTOMATOR_BENCH_ROUNDS (measured rounds per arm, default 400),
 * PGAUTOMATOR_BENCH_TWIN_HISTORY (finished runs of history loaded into both databases before the
 * warm-up, as bench/cost-per-run.ts grows it; default 0: a server in service has weeks of it),
 * PGAUTOMATOR_BENCH_BLOCK (rounds per block of the ratio, default 20), PGAUTOMATOR_BENCH_REF_SQL
 * (SQL run on the ref arm's database after its install: a what-if, e.g. a constraint or an index
 * dropped, measured against this checkout as it is).
 */
import { execFileSync } from 'node:child_process';
import type pg from 'pg';
import { checkoutInstallScript } from '../cli/extension-installer.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { machine, percentile } from './agent-bench-support.ts';
import { connectAgent, connectFolder, fixture, fold, growHistory, measure, warmUp, type Folder, type Measure } from './cost-per-run.ts';

const ROUNDS = Number(process.env.PGAUTOMATOR_BENCH_ROUNDS ?? 400);
const BLOCK = Number(process.env.PGAUTOMATOR_BENCH_BLOCK ?? 20);
// Rounds an arm makes before the other's turn. One round each cancels the machine's drift best,
// but each backend then meets CPU caches the other one just filled: the arm that runs more code
// per run loses more to that (23af044 measured 965 us per run by turns of 1 round, ~650 alone).
// A turn of a block (the default) keeps each arm's caches warm within it.
const TURN = Number(process.env.PGAUTOMATOR_BENCH_TURN ?? BLOCK);
const HISTORY = Number(process.env.PGAUTOMATOR_BENCH_TWIN_HISTORY ?? 0);

interface Arm {
  label: string;
  db: TestDatabase;
  agent: pg.Client;
  pid: number;
  jobIds: number[];
  cursor: { next: number };
  folder: Folder;
  blocks: { runs: number; ns: number }[];
  total: Measure & { foldNs: number };
}

/** The function files REF has otherwise than this checkout, with REF's text. */
function functionsAt(ref: string): { path: string; sql: string }[] {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const changed = git('diff', '--name-only', '--diff-filter=MD', ref, '--', 'extension-src/sql/functions', 'extension-src/sql/engine')
    .split('\n')
    .filter((path) => path.endsWith('.sql'));
  return changed.map((path) => ({ path, sql: git('show', `${ref}:${path}`) }));
}

/** Replaces the database's pgautomator schema by the install of another checkout (built: npm run build there). */
async function installCheckout(db: TestDatabase, checkout: string): Promise<void> {
  const script = await checkoutInstallScript(checkout);
  const c = await db.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('DROP SCHEMA pgautomator CASCADE');
    await c.query('CREATE SCHEMA pgautomator');
    await c.query(script);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  } finally {
    c.release();
  }
}

async function arm(label: string, replace: { path: string; sql: string }[], checkout?: string): Promise<Arm> {
  const db = await createTestDatabase(`cost-twin-${label}`);
  if (checkout) await installCheckout(db, checkout);
  await fixture(db);
  if (label === 'ref' && process.env.PGAUTOMATOR_BENCH_REF_SQL) await db.pool.query(process.env.PGAUTOMATOR_BENCH_REF_SQL);
  for (const file of replace) {
    try {
      await db.pool.query(file.sql);
    } catch (error) {
      throw new Error(`${file.path} as the other commit has it does not apply here: ${(error as Error).message}`);
    }
  }
  const { agent, pid, jobIds } = await connectAgent(db, `bench-cost-${label}`);
  // Which backend is whose, for a count of its instructions (a server run under callgrind writes
  // one file per backend pid: bench/cost-per-run-instructions.sh).
  console.error(`${label} arm: agent backend pid ${pid}`);
  if (HISTORY > 0) await growHistory(db, HISTORY);
  const folder = await connectFolder(db);
  return { label, db, agent, pid, jobIds, cursor: { next: 0 }, folder, blocks: [], total: { runs: 0, claimNs: 0, reportNs: 0, foldNs: 0, calls: 0, wallMs: 0, perRunNs: [] } };
}

async function main(): Promise<void> {
  const checkout = process.argv[2] === '--checkout' ? process.argv[3] : undefined;
  const ref = checkout ?? process.argv[2];
  if (!ref || ref === '--help') {
    console.log('usage: npx tsx bench/cost-per-run-twin.ts REF | --checkout PATH   (this checkout against REF\'s functions or PATH\'s install, side by side; see the file\'s header)');
    process.exit(ref ? 0 : 2);
  }
  const replace = checkout ? [] : functionsAt(ref);
  if (!checkout) console.error(`${replace.length} function files differ from ${ref}: ${replace.map((f) => f.path.split('/').pop()).join(', ')}`);
  const arms = [await arm('head', []), await arm('ref', replace, checkout)];
  try {
    for (const a of arms) {
      await warmUp(a.db, a.agent, a.pid, a.jobIds, a.cursor);
      await fold(a.folder);
    }
    for (let turn = 0; turn * TURN < ROUNDS; turn++) {
      const order = turn % 2 === 0 ? arms : [...arms].reverse();
      for (const a of order) {
        for (let round = turn * TURN; round < Math.min(ROUNDS, (turn + 1) * TURN); round++) {
          const m = await measure(a.db.pool, a.agent, a.pid, 1, a.jobIds, a.cursor);
          if (round % BLOCK === 0) a.blocks.push({ runs: 0, ns: 0 });
          const block = a.blocks.at(-1)!;
          block.runs += m.runs;
          block.ns += m.claimNs + m.reportNs;
          a.total.runs += m.runs;
          a.total.claimNs += m.claimNs;
          a.total.reportNs += m.reportNs;
        }
        // The counters' fold after each turn (a turn's runs, a few hundred: folded more often than
        // a heartbeat's once a minute would, so charged at least its share), in the turn's last block.
        const foldNs = await fold(a.folder);
        a.blocks.at(-1)!.ns += foldNs;
        a.total.foldNs += foldNs;
      }
    }
    const ratios = arms[0]!.blocks.map((b, i) => b.ns / b.runs / (arms[1]!.blocks[i]!.ns / arms[1]!.blocks[i]!.runs));
    console.log(`machine: ${await machine(arms[0]!.db)}\n`);
    console.log(`claims of up to ${process.env.PGAUTOMATOR_BENCH_CLAIM ?? 8} runs, ${process.env.PGAUTOMATOR_BENCH_ROUND_FIRES ?? "twice that"} schedules due per round; ${ROUNDS} rounds per arm, taking turns of ${TURN}; ${HISTORY.toLocaleString('en')} rows of history; this checkout (head) against ${checkout ? `the install of ${checkout} (${execFileSync('git', ['-C', checkout, 'log', '--format=%h', '-1'], { encoding: 'utf8' }).trim()})` : `${ref} (its functions, ${replace.length} files)`} (ref)\n`);
    console.log("| arm | runs | database CPU per run, µs | of which claim_runs | of which agent_report | of which the counters' fold |");
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const a of arms) {
      const us = (ns: number) => (ns / 1000 / a.total.runs).toFixed(0);
      console.log(`| ${a.label} | ${a.total.runs} | **${us(a.total.claimNs + a.total.reportNs + a.total.foldNs)}** | ${us(a.total.claimNs)} | ${us(a.total.reportNs)} | ${us(a.total.foldNs)} |`);
    }
    console.log(
      `\nhead / ref, over ${ratios.length} blocks of ${BLOCK} rounds: median ${percentile(ratios, 50).toFixed(3)}, ` +
        `lowest ${Math.min(...ratios).toFixed(3)}, highest ${Math.max(...ratios).toFixed(3)}`,
    );
    // Every run each agent backend handled, warm-up included (the history's rows were written by
    // another connection): what bench/cost-per-run-instructions.sh divides its instructions by.
    for (const a of arms) {
      const all = Number((await a.db.pool.query('SELECT count(*) AS n FROM pgautomator.job_run')).rows[0].n);
      console.error(`backends: ${a.label} agent ${a.pid} fold ${a.folder.pid} runs ${all - HISTORY}`);
    }
  } finally {
    for (const a of arms) {
      await a.agent.end();
      await a.folder.client?.end();
      await a.db.drop();
    }
  }
}

await main();
