/**
 * The agent's own GET /metrics (--metrics-port): parsed with a Prometheus text-format parser from
 * npm; runs executing follows a real run.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { cleanup, createJob, startAgent, startJob, waitForRun, type AgentProcess } from './support.ts';

let db: TestDatabase;
let agent: AgentProcess;
let url: string;

test.before(async () => {
  db = await createTestDatabase('agent_metrics');
  agent = startAgent(db, { name: 'metered', args: ['--max-concurrent', '3', '--metrics-port', '0'] });
  url = String((await agent.waitForLog((l) => l.msg === 'metrics served', 'the metrics port')).url);
  await agent.waitForLog((l) => l.msg === 'registered', 'registration');
});

test.after(async () => {
  await agent?.stop();
  await cleanup();
  await db?.drop();
});

async function scrape(): Promise<Record<string, number>> {
  const response = await fetch(url);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const values: Record<string, number> = {};
  for (const family of parsePrometheusTextFormat(await response.text())) {
    for (const sample of family.metrics) values[family.name] = Number(sample.value);
    if (family.name === 'pgautomator_agent_info') assert.is(family.metrics[0].labels?.agent, 'metered');
  }
  return values;
}

test('the agent serves its own state, and runs executing follows a run', async () => {
  const idle = await scrape();
  assert.is(idle.pgautomator_agent_max_concurrent, 3);
  assert.is(idle.pgautomator_agent_database_reachable, 1);
  assert.is(idle.pgautomator_agent_runs_executing, 0);
  assert.is(idle.pgautomator_agent_spooled_results, 0);

  await createJob(db, 'linger', [{ command: 'sleep 30' }]);
  const runId = await startJob(db, 'linger');
  await waitFor(async () => (await scrape()).pgautomator_agent_runs_executing === 1, { timeoutMs: 20_000, what: 'runs executing 1' });
  assert.is((await scrape()).pgautomator_agent_runs_started_total, 1);
  await db.pool.query('SELECT pgautomator.kill_run($1)', [runId]);
  await waitForRun(db, runId);
  await waitFor(async () => (await scrape()).pgautomator_agent_runs_executing === 0, { timeoutMs: 20_000, what: 'runs executing 0' });
});

test('other paths are 404', async () => {
  assert.is((await fetch(url.replace('/metrics', '/other'))).status, 404);
});

test.run();
