/**
 * GET /metrics: the scheduler's metrics in the Prometheus text format, read through one call of
 * pgautomator.metrics() as the logged-in role, checked by parsing the output with a Prometheus
 * text-format parser from npm (not by matching our own strings). Run counts are counters: a purge
 * of the history does not lower them. With --metrics-token-file, a scraper's bearer token stands in
 * for a login.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../server/main.ts';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;
let viewer: Browser;

// A job name with the characters the format must escape in a label value.
const oddName = 'say "hi" \\ bye';

test.before(async () => {
  h = await startHarness('gw_metrics');
  viewer = new Browser(h.gateway.url);
  assert.is((await viewer.login(h.roles.viewer, h.password)).status, 200);
  // Runs made through the internal functions (as the test's superuser), on the database's clock.
  const q = (sql: string, params: unknown[] = []) => h.db.pool.query(sql, params);
  await q("SELECT pgautomator._register_agent('m1', max_concurrent => 10, heartbeat_interval => '1 hour')");
  for (const job of ['plain', oddName]) {
    await q('SELECT pgautomator.create_job($1)', [job]);
    await q("SELECT pgautomator.add_step($1, 'only', 'shell', 'true')", [job]);
  }
  const cycle = async (job: string, state: string) => {
    const { rows } = await q('SELECT pgautomator._start_job($1) AS id', [job]);
    await q("SELECT pgautomator._claim_runs('m1', 10)");
    await q('SELECT pgautomator.end_run($1, $2)', [rows[0].id, state]);
  };
  await cycle('plain', 'succeeded');
  await cycle('plain', 'succeeded');
  await cycle('plain', 'failed');
  await cycle(oddName, 'succeeded');
  await q('SELECT pgautomator._start_job($1)', ['plain']); // one left queued
});

test.after(async () => {
  await h?.close();
});

interface Family {
  name: string;
  type: string;
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>;
}

async function scrape(): Promise<Map<string, Family>> {
  const reply = await viewer.request<string>('GET', '/metrics');
  assert.is(reply.status, 200, String(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(String(reply.body)) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

test('a viewer scrapes runs by job and state, histograms and current counts', async () => {
  const m = await scrape();
  const runs = m.get('pgautomator_runs_finished')!;
  assert.is(runs.type, 'COUNTER');
  const byKey = Object.fromEntries(runs.metrics.map((s) => [`${s.labels!.job}|${s.labels!.state}`, Number(s.value)]));
  assert.equal(byKey, { 'plain|failed': 1, 'plain|succeeded': 2, [`${oddName}|succeeded`]: 1 });

  for (const name of ['pgautomator_run_duration_seconds', 'pgautomator_run_lateness_seconds']) {
    const family = m.get(name)!;
    assert.is(family.type, 'HISTOGRAM', name);
    const [histogram] = family.metrics;
    assert.is(Number(histogram.count), 4, `${name}: every finished run that started`);
    const counts = Object.entries(histogram.buckets!).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => Number(v));
    assert.ok(counts.every((c, i) => i === 0 || c >= counts[i - 1]), `${name}: buckets are cumulative`);
    assert.ok(counts.at(-1)! <= 4, name);
  }
  const value = (name: string) => Number(m.get(name)!.metrics[0].value);
  assert.is(value('pgautomator_runs_queued'), 1);
  assert.is(value('pgautomator_runs_running'), 0);
  assert.is(value('pgautomator_agents_online'), 1);
  assert.is(value('pgautomator_mail_outbox_pending'), 0);
  assert.is(value('pgautomator_alerts_open'), 0);
});

test('open alerts are counted', async () => {
  await h.db.pool.query("SELECT pgautomator.set_job_alert('plain', 'freshness', '1 hour')");
  await h.db.pool.query("SELECT pgautomator._evaluate_alerts(now() + interval '2 hours')");
  const m = await scrape();
  assert.is(Number(m.get('pgautomator_alerts_open')!.metrics[0].value), 1);
});

test('a purge of the history does not lower the run counters', async () => {
  const before = await scrape();
  const { rows } = await h.db.pool.query('SELECT pgautomator.purge_history(keep_runs => 0) AS n');
  assert.ok(Number(rows[0].n) >= 4, 'the finished runs were deleted');
  const after = await scrape();
  assert.equal(after.get('pgautomator_runs_finished')!.metrics, before.get('pgautomator_runs_finished')!.metrics);
  assert.equal(after.get('pgautomator_run_duration_seconds')!.metrics, before.get('pgautomator_run_duration_seconds')!.metrics);
});

test('anonymous scrapes are refused; only GET', async () => {
  const anonymous = new Browser(h.gateway.url);
  assert.is((await anonymous.request('GET', '/metrics')).status, 401);
  assert.is((await viewer.request('POST', '/metrics', {})).status, 405);
});

test('--metrics-token-file: a bearer token scrapes without a login; without it or with a wrong one, 401', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pga-metrics-token-'));
  const tokenFile = path.join(dir, 'token');
  const token = 'scrape-' + 'x'.repeat(40);
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // The gateway's own role (the test database's URL) calls metrics() for the token holder.
  let gateway: Gateway | undefined;
  try {
    gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', log: () => {}, metricsTokenFile: tokenFile });
    const get = (headers: Record<string, string> = {}) => fetch(`${gateway!.url}/metrics`, { headers });
    const none = await get();
    assert.is(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.is((await get({ Authorization: `Bearer ${token}x` })).status, 401, 'a wrong token');
    assert.is((await get({ Authorization: `Basic ${Buffer.from(`u:${token}`).toString('base64')}` })).status, 401, 'not a bearer token');
    const ok = await get({ Authorization: `Bearer ${token}` });
    assert.is(ok.status, 200);
    const families = parsePrometheusTextFormat(await ok.text()) as Family[];
    assert.ok(families.some((f) => f.name === 'pgautomator_runs_finished' && f.metrics.length > 0), 'the scheduler\'s metrics');
    // A logged-in viewer still scrapes with the session alone.
    const session = new Browser(gateway.url);
    assert.is((await session.login(h.roles.viewer, h.password)).status, 200);
    assert.is((await session.request('GET', '/metrics')).status, 200);
  } finally {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--metrics-token-file: an empty or missing file stops the gateway at start', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pga-metrics-token-'));
  try {
    writeFileSync(path.join(dir, 'empty'), '\n');
    for (const file of [path.join(dir, 'empty'), path.join(dir, 'missing')]) {
      let error: Error | undefined;
      const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', log: () => {}, metricsTokenFile: file }).catch((e: Error) => (error = e, undefined));
      await gateway?.close();
      assert.match(String(error?.message), /--metrics-token-file/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
