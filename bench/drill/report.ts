/**
 * The drill's report: the table printed at the end, and docs/reliability.md (what the drill does,
 * how to rerun it, the latest figures with the machine), rewritten by each full run that asks.
 */
import { writeFileSync } from 'node:fs';
import { targetRows, type Rescue } from './counting.ts';
import type { DrillResult } from './drill.ts';

const secondsAndBeats = (seconds: number | null, heartbeatS: number) =>
  seconds === null ? 'not rescued' : `${seconds.toFixed(1)} s = ${(seconds / heartbeatS).toFixed(1)} heartbeats`;

/**
 * The rescue a SIGKILL calls for, and whether it came in time. The database hands a dead agent's
 * runs on when the agent registers again (restarted) or, if it stays away, once its dead_after has
 * passed (lease + margin: it cannot tell a dead agent from a partitioned one): within 2 heartbeats
 * of whichever comes first. Killed during an outage and restarted at once, the agent reports its
 * spooled results when the database is back: every run recorded, no rescue needed.
 */
function rescueTarget(x: Rescue, r: DrillResult): string {
  if (!x.victims) return 'no run';
  const h = r.options.heartbeatS;
  if (x.kind !== 'sigkill') return /running|queued/.test(x.states) ? 'every run recorded: missed' : 'every run recorded: met';
  const restartS = x.restartMs / 1000;
  const limit = Math.min(restartS, r.deadAfterS) + 2 * h;
  const after = restartS < r.deadAfterS ? 'its restart' : `dead_after (${r.deadAfterS} s)`;
  return `<= ${limit.toFixed(1)} s, 2 heartbeats after ${after}: ${x.seconds !== null && x.seconds <= limit ? 'met' : 'missed'}`;
}

/** Markdown tables: they read well in a terminal too. */
export function resultTables(r: DrillResult): string {
  const h = r.options.heartbeatS;
  const lines: string[] = [];
  lines.push('| count | what | observed | target |', '|---|---|---:|---|');
  for (const [id, what, n] of targetRows(r.counts)) lines.push(`| ${id} | ${what} | ${n} | 0: **${n === 0 ? 'met' : 'missed'}** |`);
  lines.push('');
  lines.push('| SIGKILL | agent | restarted after | runs it was running | recorded | kill -> abandoned (last run) | target |', '|---:|---|---:|---:|---|---|---|');
  r.counts.rescues.forEach((x, i) => {
    const restart = x.kind === 'sigkill' ? `${(x.restartMs / 1000).toFixed(1)} s` : '1 s (killed during an outage)';
    lines.push(`| ${i + 1} | ${x.agent} | ${restart} | ${x.victims} | ${x.states || '-'} | ${secondsAndBeats(x.seconds, h)} | ${rescueTarget(x, r)} |`);
  });
  lines.push('');
  const totals = Object.entries(r.counts.totals).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`Work: ${totals}; manual starts ${r.manual.started} (refused by overlap skip ${r.manual.refused}, failed during faults ${r.manual.failed}).`);
  lines.push(`Agents that ignored SIGTERM for 10 s at the end: ${r.unstoppable.length ? r.unstoppable.join(', ') : 'none'}. Step processes still alive at the end (killed by the drill): ${r.leftovers}.`);
  return lines.join('\n');
}

export function findingsText(r: DrillResult, limit = 15): string {
  const byCount = new Map<string, string[]>();
  for (const f of r.counts.findings) byCount.set(f.count, [...(byCount.get(f.count) ?? []), f.what]);
  const out: string[] = [];
  for (const [id, list] of byCount) {
    out.push(`${id}: ${list.length}`);
    for (const what of list.slice(0, limit)) out.push(`  - ${what}`);
    if (list.length > limit) out.push(`  - ... ${list.length - limit} more`);
  }
  return out.join('\n');
}

export function faultsText(r: DrillResult): string {
  const t0 = r.faults[0]?.at ?? 0;
  return r.faults
    .map((f) => `- +${((f.at - t0) / 1000).toFixed(1)} s: ${f.kind}${f.agent ? ` ${f.agent}` : ''}${f.ms ? `, ${(f.ms / 1000).toFixed(1)} s` : ''}${f.victims ? ` (it was running ${f.victims.length} run(s))` : ''}`)
    .join('\n');
}

export function printReport(r: DrillResult, log: (line: string) => void): void {
  log('');
  log(resultTables(r));
  if (r.counts.findings.length) {
    log('');
    log('Details (first of each):');
    log(findingsText(r, 8));
  }
  log('');
  log(`${r.failed ? 'FAILED' : 'PASSED'}: the ${r.options.form} drill took ${r.seconds.toFixed(0)} s${r.keptIn ? `; ledger and agent logs kept in ${r.keptIn}` : ''}`);
}

export function writeReliabilityDoc(r: DrillResult, file: string, command: string): void {
  const o = r.options;
  const machine = Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join('; ');
  const text = `# Reliability: the fault drill

<!-- Rewritten by each full \`npm run drill\` (or any with --write-doc) from bench/drill/report.ts: edit the text there. -->

A scheduler is trusted with production work when it runs what it should, once, and tells the truth
about it (issue 12). The fault drill is the proof, rerun by anyone: it runs real agents through
crashes, pauses, database restarts, an outage and a black-holed connection, and counts from a
ledger written by the steps themselves what really ran against what the database recorded.

## What it does

- Starts a throwaway PostgreSQL 15 cluster of its own (bench/compare/cluster.ts: data, socket and a
  private port under the temp directory; as root it runs as the system user \`pgautomator\`), never
  the shared server; installs the extension by the plain route (cli/extension-installer.ts) and
  creates a login role granted \`agent\`.
- Starts ${o.agents} agents (\`node --import tsx agent/src/cli.ts\`, or \`--agent-command\`), each with its
  own state directory and spool, each through a TCP proxy of the drill's own (bench/drill/proxy.ts)
  that can black-hole its path: stop forwarding without closing anything. The first agent
  reconnects within 1 s, the others back off up to 4 heartbeats, so they come back from an outage
  one after the other. (The proxy's kernel answers TCP keepalives while the path is black-holed:
  only deadlines on the agent's calls notice it there.)
- Creates ${o.workload.jobs} jobs of 1-3 shell steps; every other job has overlap \`skip\` (the rest
  \`allow\`); all have \`on_abandon => 'retry'\` (3 times); most steps retry a failed attempt, and a
  first attempt fails with probability ${o.workload.failFirst}. Each job has its own schedule firing
  every ${o.workload.everyMinS}-${o.workload.everyMinS + o.workload.everySpreadS} s, and a random job is started by hand (\`start_job\`)
  about every ${(o.workload.manualEveryMs / 1000).toFixed(1)} s.
- Every step appends a line to the ledger at its start and at its end (one \`echo >>\`, O_APPEND,
  well under PIPE_BUF) with \`PGAUTOMATOR_RUN_ID\`, \`PGAUTOMATOR_STEP_POSITION\`, \`PGAUTOMATOR_ATTEMPT\`,
  \`PGAUTOMATOR_JOB\`, its pid and the time; the work between them is a sleep of
  ${o.workload.sleepMinS}-${(o.workload.sleepMinS + o.workload.sleepSpreadS).toFixed(1)} s, so faults land mid-step, and for ${Math.round(o.workload.longShare * 100)} % of the steps
  ${o.workload.longMinS}-${(o.workload.longMinS + o.workload.sleepSpreadS).toFixed(1)} s, longer than the lease. The drill notes every
  200 ms which started steps still live, so a step killed without an end line has a known end too.
- Faults, one after another with ${o.gapS} s between them (heartbeat ${o.heartbeatS} s, lease 3 heartbeats):
  SIGKILL of an agent while it runs a step, restarted after a delay (1 s as systemd would, or past the
  lease so the other agent must rescue its runs); SIGSTOP of an agent past its lease, then SIGCONT
  (stopped right after the database records a contact of it, for halfway from the lease to its
  \`dead_after\`: the agent must fence its steps when it wakes, and the database must not rescue it
  meanwhile; a pause of 5 heartbeats from any moment overran \`dead_after\` at a 2 s heartbeat about
  every other time, see below);
  \`pg_ctl stop -m fast\` + start; \`-m immediate\` + start (crash recovery); an outage longer than the
  lease (stopped, then started); one agent's proxy black-holed past the lease; in the full form
  also the first agent SIGKILLed during an outage after some of its results went to its spool,
  restarted 1 s later while the cluster is still down (issue 12, item 3).
- Settles: schedules disabled, manual starts stopped, then waits (at most ${o.settleS} s) for queued and
  running runs to drain; reads the runs and step_runs views as a superuser; stops the agents
  (SIGTERM, SIGKILL after 10 s) and kills step processes still alive.
- Counts (bench/drill/counting.ts), each with target 0:
  **a** an attempt executed twice (same run, step and attempt started twice);
  **a2** a finished run executed again: a retry of a run whose job's last step had ended with exit 0
  (runs linked by retry_of; a retry of a run that died mid-way runs its earlier steps again by
  design, and that is only reported);
  **b** executions that overlapped in time: two of the same fire (a run and its retry, two steps of a run), or two fires of a \`skip\` job;
  **c** work done but recorded otherwise (an end line whose step run is not succeeded/failed as its exit
  says; a start without an end recorded succeeded/failed; a recorded result that never started);
  **d** runs still queued or running after settling;
  **e1** results the agents dropped (their logs say \`dropped\`); **e2** end lines with no end recorded
  (step run running, abandoned or absent; each is also a c).
  And for each SIGKILL: the time from the kill to the last of the agent's runs being recorded
  abandoned, in heartbeat intervals (target: within 2).

The drill exits non-zero when any count is not zero, and keeps the ledger and agent logs then.

## Reading the figures

Which defect of issue 12 each count shows, as seen when the drill was first run against them:
- **b** (and **c** "during sigkill"): a SIGKILLed agent's step runs on (its own process group) and
  its run is retried beside it (item 2).
- **c**, **e2** and **a2** during a SIGSTOP, a black hole or a restart/outage: the database rescues
  an agent that is still working (or silent for its own outage), its results arrive late and are
  refused (**e1**: "spooled result refused by the database: dropped"), and the retry runs the work
  again (items 2 and 4).
- **d**: a run left \`running\` for good, e.g. by an agent SIGKILLed during an outage with results in
  its spool (item 3; the full form's \`outage-sigkill\` fault).
- The black hole (item 5) shows as rescued runs and dropped results of the agent behind it, and as
  an agent that ignored SIGTERM at the end if it hangs.
- The rescue time after a SIGKILL is measured from the kill to the database recording each of the
  agent's runs \`abandoned\` (finished_at): by the other agent's heartbeat after the lease, or by the
  agent's own registration when it is restarted sooner. The target is 2 heartbeats after the agent's
  restart (it registers without the runs and the database hands them on, as after systemd's
  Restart=) or after its \`dead_after\` (lease of 3 heartbeats + a margin), whichever comes first: an
  agent that stays away is rescued only then, by design, since the database cannot tell a dead agent
  from a partitioned one, and a partitioned agent's steps run until its lease ends
  (docs/agent-protocol.md, Liveness). An agent killed during an outage and restarted at once
  reports its spooled results when the database is back: every run recorded, no rescue needed.
- An agent silent past its \`dead_after\` (paused, partitioned, or its host frozen) is rescued: its
  runs are recorded abandoned and retried by their jobs' rules, since the database cannot tell such
  an agent from a dead one. When it comes back, a step that ended on its own before the rescue is
  recorded late with its real result, but the run stays abandoned: its end is refused (e1) and the
  retry runs the work again (a2). A full drill of 2026-12-06 (600 s, 12 SIGKILLs) met this when its
  SIGSTOP, 5 heartbeats counted from any moment, overran \`dead_after\` by up to a heartbeat: 6 results
  refused, 4 finished runs run again, every other count 0 (c too: each step's work was recorded as it
  ended). The SIGSTOP fault now tests what it is meant to (a pause past the lease, short of
  \`dead_after\`).
- Work that ended at most 1 s before its agent was SIGKILLed, or while the killed agent was dying
  (between the signal and the exit the drill saw: a killed process must still be scheduled to die,
  which takes a while on a loaded host, and its steps' parent-death signal and guardian act only
  then), is reported apart (\`in flight\` in the details and the totals), not in a2, c or e2: the
  agent had not read the exit yet, or its report was on its way, when it died, so nobody could
  record it; the run is abandoned and retried by its job's rules. This is the at-least-once window of every scheduler, not a lost result.

## Rerun

\`\`\`sh
npm run drill                    # the full drill (about ${o.form === 'full' ? Math.round(r.seconds / 60) : 5} minutes)
npm run drill -- --short         # the short form, also run by npm test (test/drill/fault-drill.test.ts)
npm run drill -- --help          # sizes, heartbeat, seed, another checkout or agent command
npm run drill -- --write-doc     # rewrite this file with the run's figures
\`\`\`

It needs PostgreSQL 15's binaries in /usr/lib/postgresql/15/bin (Debian's \`postgresql-15\`); as root
it creates the system user \`pgautomator\` to run them. The short form in \`npm test\` is reported
skipped, with the reason, where the cluster cannot be made.

## Latest run

${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`${command}\`, ${r.options.form} form, seed ${o.seed}, ${r.seconds.toFixed(0)} s.
Machine: ${machine}.

${resultTables(r)}

Faults as they happened:

${faultsText(r)}

${r.counts.findings.length ? `Details (the first of each count):\n\n\`\`\`\n${findingsText(r, 10)}\n\`\`\`\n` : ''}`;
  writeFileSync(file, text);
}
