/**
 * The agent's own GET /metrics (--metrics-port): parsed with a Prometheus text-format parser from
 * npm; runs executing follows a real run. With --metrics-token-file it asks for the bearer token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

test('--metrics-token-file: 401 without the bearer token or with a wrong one, 200 with it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pga-agent-token-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, 'agent-scrape-token\n', { mode: 0o600 });
  const guarded = startAgent(db, { name: 'guarded', args: ['--metrics-port', '0', '--metrics-token-file', tokenFile] });
  try {
    const guardedUrl = String((await guarded.waitForLog((l) => l.msg === 'metrics served', 'the metrics port')).url);
    const none = await fetch(guardedUrl);
    assert.is(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.is((await fetch(guardedUrl, { headers: { Authorization: 'Bearer agent-scrape-tokeN' } })).status, 401);
    const ok = await fetch(guardedUrl, { headers: { Authorization: 'Bearer agent-scrape-token' } });
    assert.is(ok.status, 200);
    assert.ok(parsePrometheusTextFormat(await ok.text()).some((f) => f.name === 'pgautomator_agent_runs_executing'));
  } finally {
    await guarded.stop();
  }
  // The open port of the first agent is unchanged: no token configured, no token asked.
  assert.is((await fetch(url)).status, 200);
});

test('--metrics-token-file: an empty file stops the agent before it registers (exit 2)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pga-agent-token-'));
  writeFileSync(path.join(dir, 'empty'), '\n');
  const refused = startAgent(db, { name: 'refused', args: ['--metrics-port', '0', '--metrics-token-file', path.join(dir, 'empty')] });
  assert.is(await refused.exited, 2);
});

test.run();
