/**
 * `npm run bench -- <scenario> [--quick]`: one entry to the benchmarks.
 *  - compare (and its parts next-fire, spread, herd, idle, history): pgAutomator side by side with
 *    pg_cron and pgAgent on a throwaway cluster (bench/compare/); `all` is the whole comparison.
 *  - engine, claim, lateness, drain, idle-agent... the single-product scripts in bench/, spawned as
 *    they are (they use the local test server; see bench/README.md).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanupAll, comparisonScenarios, runComparison, type ComparisonScenario } from './compare/comparison.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The existing scripts, run as child processes (each manages its own database). */
const scripts = {
  engine: 'engine-next-fire.ts',
  claim: 'claim-runs.ts',
  lateness: 'agent-lateness.ts',
  drain: 'agent-drain.ts',
  idle: 'agent-idle.ts',
} as const;

const help = `Usage: npm run bench -- <scenario> [--quick]

Side by side with pg_cron and pgAgent (a throwaway PostgreSQL 15 cluster; as root, apt-get installs
postgresql-15-cron and pgagent when missing; results in bench/results/<date>-<host>.md):
  all | compare        every comparison scenario below (about 13 minutes; --quick: a smoke run, about 6)
  next-fire            next-fire computation cost: ours vs pgagent.pga_next_schedule
  spread               1,000 every-minute schedules: fire lateness
  herd                 1,000 and 10,000 fires due at one instant; end-to-end runs/s
  idle-cost            10,000 schedules none due: transactions/s, CPU, our API calls per heartbeat
  history              spread and herd again with 10 million rows of run history (ours)
  (several may be given: npm run bench -- spread herd)

pgAutomator alone (existing scripts, on the local test server; see bench/README.md):
  engine               bench/engine-next-fire.ts
  claim                bench/claim-runs.ts
  lateness             bench/agent-lateness.ts
  drain                bench/agent-drain.ts
  idle                 bench/agent-idle.ts

Options:
  --quick              smaller counts and shorter windows (the existing scripts get PGAUTOMATOR_BENCH_QUICK=1)
  --ours-only          the comparison's scenarios for pgAutomator alone (quicker; no side-by-side figures)
  -h, --help           this help
`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean', default: false }, 'ours-only': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });

if (values.help || positionals.length === 0) {
  console.log(help);
  process.exit(positionals.length === 0 && !values.help ? 1 : 0);
}

function runScript(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file)], {
      stdio: 'inherit',
      env: { ...process.env, ...(values.quick ? { PGAUTOMATOR_BENCH_QUICK: '1' } : {}) },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

// Ctrl-C / SIGTERM: stop our agents, pgagent and the cluster, remove it, then leave.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the benchmark's processes and removing its cluster...`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

const compareParts = new Map<string, ComparisonScenario>([
  ['next-fire', 'next-fire'],
  ['spread', 'spread'],
  ['herd', 'herd'],
  ['idle-cost', 'idle'],
  ['history', 'history'],
]);

let exitCode = 0;
try {
  const unknown = positionals.filter((p) => !(p in scripts) && !compareParts.has(p) && p !== 'all' && p !== 'compare');
  if (unknown.length) {
    console.error(`unknown scenario: ${unknown.join(', ')}\n\n${help}`);
    process.exit(2);
  }
  const parts = positionals.filter((p) => compareParts.has(p)).map((p) => compareParts.get(p)!);
  if (positionals.includes('all') || positionals.includes('compare')) {
    await runComparison({ quick: values.quick, oursOnly: values['ours-only'] });
  } else if (parts.length) {
    // History compares with the empty case, so it brings spread and herd along.
    const only = parts.includes('history') ? [...new Set<ComparisonScenario>([...parts, 'spread', 'herd'])] : parts;
    await runComparison({ quick: values.quick, oursOnly: values['ours-only'], only: comparisonScenarios.filter((s) => only.includes(s)) });
  }
  for (const p of positionals) {
    if (p in scripts) {
      const code = await runScript(scripts[p as keyof typeof scripts]);
      if (code !== 0) exitCode = code;
    }
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await cleanupAll();
}
process.exit(exitCode);
