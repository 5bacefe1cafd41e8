/**
 * Drives runs through the agent protocol's API functions directly (as the superuser), for element
 * tests that need runs in given states at given moments. The end-to-end test uses the real agent.
 */
import type { PgAutomatorApi } from '../../../client/index.ts';

export interface ClaimedRun {
  runId: number;
  stepRunId: number;
}

/** Starts `job` by hand, has `agent` claim it and begin its first step. */
export async function startAndClaim(api: PgAutomatorApi, job: string, agent: string): Promise<ClaimedRun> {
  await api.registerAgent({ name: agent, host: 'test-host', os: 'linux', version: 'test', tags: ['linux'] });
  const runId = (await api.startJob({ job })) as number;
  const claimed = (await api.claimRuns({ name: agent, max: 10 })) as unknown as Array<{ run_id: number; steps: Array<{ step_id: number }> }>;
  const run = claimed.find((r) => r.run_id === runId);
  if (!run) throw new Error(`agent ${agent} did not claim run ${runId}`);
  const stepRunId = (await api.beginStep({ run_id: runId, step_id: run.steps[0].step_id })) as number;
  return { runId, stepRunId };
}

/** Ends the step and the run in `state`. */
export async function finish(api: PgAutomatorApi, claimed: ClaimedRun, state: 'succeeded' | 'failed' | 'killed', output?: string): Promise<void> {
  await api.endStep({ step_run_id: claimed.stepRunId, state, exit_code: state === 'succeeded' ? 0 : 1, output: output ?? null });
  await api.endRun({ run_id: claimed.runId, state });
}
