/**
 * GET /metrics: the scheduler's metrics in the Prometheus text format, read through one call of
 * pgautomator.metrics() as the logged-in role, checked by parsing the output with a Prometheus
 * text-format parser from npm (not by matching our own strings).
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
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
  assert.is(runs.type, 'GAUGE');
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

test('anonymous scrapes are refused; only GET', async () => {
  const anonymous = new Browser(h.gateway.url);
  assert.is((await anonymous.request('GET', '/metrics')).status, 401);
  assert.is((await viewer.request('POST', '/metrics', {})).status, 405);
});

test.run();
