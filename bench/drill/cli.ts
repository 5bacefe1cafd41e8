/**
 * `npm run drill [-- options]`: the fault drill (drill.ts). Exits 1 when any count is not zero,
 * 2 when the drill could not run.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cannotRun, onInterrupt, presetOptions, root, runDrill, type DrillOptions } from './drill.ts';
import { printReport, writeReliabilityDoc } from './report.ts';

const help = `npm run drill [-- options]

The fault drill: agents through SIGKILL, SIGSTOP, database restarts, an outage and a black-holed
connection, counted from a ledger the steps write (docs/reliability.md says what and how).

  --short              the short form (about 2 minutes; npm test runs it): fewer jobs, each fault once,
                       heartbeat 1 s
  --heartbeat S        agents' heartbeat interval in seconds (default 2, short 1); the faults' lengths
                       follow it (past the lease = 5 heartbeats)
  --jobs N             jobs in the workload (default 16, short 8)
  --agents N           agents (default 2)
  --duration S         shortest time under load in seconds (default 180, short 0: the faults' time)
  --gap S              seconds between faults (default max(10, 5 heartbeats), short max(6, 4 heartbeats))
  --settle S           longest wait for runs to drain after the schedules stop (default 90, short 40)
  --kills N            SIGKILLs in the full form (default 6, alternately restarted after 1 s and past the lease)
  --seed N             seed of the job set and the manual starts (default: the time)
  --checkout DIR       drill another checkout's extension-build and agent (default: this one)
  --agent-command CMD  the agent command before its options, split on spaces
                       (env PGAUTOMATOR_DRILL_AGENT; default: node --import tsx <checkout>/agent/src/cli.ts)
  --write-doc          rewrite docs/reliability.md with this run (the full form does unless --no-doc)
  --no-doc             do not
  -h, --help           this text
`;

const { values } = parseArgs({
  options: {
    short: { type: 'boolean' },
    heartbeat: { type: 'string' },
    jobs: { type: 'string' },
    agents: { type: 'string' },
    duration: { type: 'string' },
    gap: { type: 'string' },
    settle: { type: 'string' },
    kills: { type: 'string' },
    seed: { type: 'string' },
    checkout: { type: 'string' },
    'agent-command': { type: 'string' },
    'write-doc': { type: 'boolean' },
    'no-doc': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(help);
  process.exit(0);
}

const number = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: expected a number, got ${text}`);
    process.exit(2);
  }
  return n;
};

const form = values.short ? 'short' : 'full';
const preset = presetOptions(form, values.heartbeat ? number('heartbeat', values.heartbeat, 2) : undefined);
const kills = number('kills', values.kills, 6);
const plan =
  form === 'full' && values.kills !== undefined
    ? [
        ...Array.from({ length: kills }, (_, i) => ({ kind: 'sigkill' as const, ms: i % 2 === 0 ? 1000 : 5 * preset.heartbeatS * 1000 })),
        ...preset.plan.filter((p) => p.kind !== 'sigkill'),
      ]
    : preset.plan;
const agentCommand = values['agent-command'] ?? process.env.PGAUTOMATOR_DRILL_AGENT;
const options: DrillOptions = {
  ...preset,
  plan,
  agents: number('agents', values.agents, preset.agents),
  workload: { ...preset.workload, jobs: number('jobs', values.jobs, preset.workload.jobs) },
  durationS: number('duration', values.duration, preset.durationS),
  gapS: number('gap', values.gap, preset.gapS),
  settleS: number('settle', values.settle, preset.settleS),
  seed: number('seed', values.seed, Date.now() % 1_000_000),
  checkout: path.resolve(values.checkout ?? root),
  agentCommand: agentCommand ? agentCommand.split(/\s+/).filter(Boolean) : undefined,
  log: (line) => console.log(line),
};

const reason = cannotRun();
if (reason) {
  console.error(`the drill cannot run here: ${reason}`);
  process.exit(2);
}

const interrupted = () => {
  console.error('interrupted: stopping the agents and removing the cluster');
  void (onInterrupt?.() ?? Promise.resolve()).finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

try {
  const result = await runDrill(options);
  printReport(result, options.log);
  if (values['write-doc'] || (form === 'full' && !values['no-doc'])) {
    const command = `npm run drill${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    writeReliabilityDoc(result, path.join(root, 'docs/reliability.md'), command);
    console.log('docs/reliability.md written');
  }
  process.exit(result.failed ? 1 : 0);
} catch (error) {
  console.error(`the drill failed to run: ${(error as Error).stack ?? error}`);
  process.exit(2);
}
