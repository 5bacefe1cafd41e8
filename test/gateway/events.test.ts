/**
 * GET /events: Server-Sent Events fed by LISTEN pgautomator through one shared connection. Runs
 * queued by hand, claimed and finished through the agent protocol reach every subscribed browser.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApi } from '../../client/index.ts';
import { EventHub } from '../../server/events.ts';
import { startGateway } from '../../server/main.ts';
import { waitFor } from '../support/database.ts';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;

test.before(async () => {
  h = await startHarness('gw_events', { keepAliveMs: 200 });
  await h.gateway.events.ready();
});

test.after(async () => {
  await h?.close();
});

interface Stream {
  events: Record<string, unknown>[];
  raw: string;
  close(): void;
}

/** Reads an SSE stream the way EventSource does, collecting the data lines. */
async function subscribe(url: string, cookie: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/events`, { headers: { Cookie: cookie, Accept: 'text/event-stream' }, signal: controller.signal });
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const stream: Stream = { events: [], raw: '', close: () => controller.abort() };
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        stream.raw += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = stream.raw.indexOf('\n\n')) >= 0) {
          const block = stream.raw.slice(0, end);
          stream.raw = stream.raw.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) stream.events.push(JSON.parse(data));
          else if (block.includes(': keep-alive')) stream.events.push({ event: ':keep-alive' });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return stream;
}

test('anonymous browsers get no event stream', async () => {
  const response = await fetch(`${h.gateway.url}/events`);
  assert.is(response.status, 401);
  await response.body?.cancel();
});

test('SSE delivers run_queued, run_started, step_output, run_finished to every browser over one listener', async () => {
  const operator = new Browser(h.gateway.url);
  await operator.login(h.roles.operator, h.password);
  const viewer = new Browser(h.gateway.url);
  await viewer.login(h.roles.viewer, h.password);
  const a = await subscribe(h.gateway.url, operator.cookie);
  const b = await subscribe(h.gateway.url, viewer.cookie);
  try {
    await waitFor(() => h.gateway.events.clientCount === 2, { what: 'two subscribers' });
    const api = createApi(h.db.pool); // the superuser plays the agent and the admin here
    await api.createJob({ name: 'evented' });
    await api.addStep({ job: 'evented', name: 'one', kind: 'shell', command: 'echo hi' });
    const started = await operator.call('start_job', { job: 'evented' });
    assert.is(started.status, 200);
    const runId = started.body as number;
    await waitFor(() => a.events.find((e) => e.event === 'run_queued' && e.run_id === runId), { what: 'run_queued on a' });
    await waitFor(() => b.events.find((e) => e.event === 'run_queued' && e.run_id === runId), { what: 'run_queued on b' });

    await api.registerAgent({ name: 'events-agent', host: 'test' });
    const claimed = (await api.claimRuns({ name: 'events-agent', max: 1 })) as Array<{ run_id: number; steps: Array<{ step_id: number }> }>;
    assert.is(claimed[0].run_id, runId);
    const stepRunId = (await api.beginStep({ run_id: runId, step_id: claimed[0].steps[0].step_id })) as number;
    await api.logStep({ step_run_id: stepRunId, chunk: 'hi\n' });
    await api.endStep({ step_run_id: stepRunId, state: 'succeeded', exit_code: 0 });
    await api.endRun({ run_id: runId, state: 'succeeded' });
    for (const s of [a, b]) {
      await waitFor(() => s.events.find((e) => e.event === 'agent_online' && e.agent === 'events-agent'), { what: 'agent_online' });
      await waitFor(() => s.events.find((e) => e.event === 'run_started' && e.run_id === runId), { what: 'run_started' });
      await waitFor(() => s.events.find((e) => e.event === 'step_output' && e.run_id === runId && e.step_run_id === stepRunId), { what: 'step_output' });
      await waitFor(() => s.events.find((e) => e.event === 'run_finished' && e.run_id === runId && e.state === 'succeeded'), { what: 'run_finished' });
    }
    const order = a.events.filter((e) => e.run_id === runId).map((e) => e.event);
    assert.ok(order.indexOf('run_queued') < order.indexOf('run_started'), order.join());
    assert.ok(order.indexOf('run_started') < order.indexOf('run_finished'), order.join());
  } finally {
    a.close();
    b.close();
  }
});

test('a kill request reaches the stream as a kill event', async () => {
  const operator = new Browser(h.gateway.url);
  await operator.login(h.roles.operator, h.password);
  const s = await subscribe(h.gateway.url, operator.cookie);
  try {
    const api = createApi(h.db.pool);
    await api.createJob({ name: 'long' });
    await api.addStep({ job: 'long', name: 'sleep', kind: 'shell', command: 'sleep 60' });
    const runId = (await operator.call('start_job', { job: 'long' })).body as number;
    await api.claimRuns({ name: 'events-agent', max: 1 });
    const kill = await operator.call('kill_run', { run_id: runId });
    assert.is(kill.status, 200);
    assert.is(kill.body, 'kill_requested');
    await waitFor(() => s.events.find((e) => e.event === 'kill' && e.run_id === runId), { what: 'kill event' });
  } finally {
    s.close();
  }
});

test('keep-alive comments flow while nothing happens', async () => {
  const viewer = new Browser(h.gateway.url);
  await viewer.login(h.roles.viewer, h.password);
  const s = await subscribe(h.gateway.url, viewer.cookie);
  try {
    await waitFor(() => s.events.filter((e) => e.event === ':keep-alive').length >= 2, { what: 'keep-alive comments' });
  } finally {
    s.close();
  }
});

test('the listener reconnects after its connection is killed, and tells browsers to resync', async () => {
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', log: () => {} });
  try {
    await gateway.events.ready();
    const viewer = new Browser(gateway.url);
    await viewer.login(h.roles.viewer, h.password);
    const s = await subscribe(gateway.url, viewer.cookie);
    try {
      await waitFor(() => gateway.events.clientCount === 1, { what: 'subscriber' });
      await h.db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgautomator-gateway-events' AND pid <> pg_backend_pid()`);
      await waitFor(() => s.events.find((e) => e.event === 'resync'), { what: 'resync after reconnect', timeoutMs: 15_000 });
      const api = createApi(h.db.pool);
      await api.createJob({ name: 'after-reconnect' });
      await api.addStep({ job: 'after-reconnect', name: 'one', kind: 'shell', command: 'true' });
      const runId = await api.startJob({ job: 'after-reconnect' });
      await waitFor(() => s.events.find((e) => e.event === 'run_queued' && e.run_id === runId), { what: 'events after reconnect' });
    } finally {
      s.close();
    }
  } finally {
    await gateway.close();
  }
});

test('progress events are asked for while a browser listens, renewed, and left to lapse after', async () => {
  // A hub of its own with a 1 s window renewed every 200 ms; the window others opened is closed first.
  const hub = new EventHub({ databaseUrl: h.db.url, watchSeconds: 1, renewMs: 200, log: () => {} });
  const server = http.createServer((_req, res) => void hub.attach(res));
  const watched = async () => (await h.db.pool.query('SELECT pgautomator._events_watched() AS w')).rows[0].w as boolean;
  try {
    hub.start();
    await hub.ready();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await h.db.pool.query("UPDATE pgautomator.setting SET value = 'null' WHERE name = 'events_watched_until'");
    assert.not.ok(await watched(), 'nobody watches');
    const { port } = server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    await waitFor(() => hub.clientCount === 1, { what: 'the stream attached' });
    assert.ok(await watched(), 'watched once the stream is attached');
    // Three times the window: only renewals keep it open.
    for (const until = Date.now() + 3000; Date.now() < until; ) {
      assert.ok(await watched(), 'still watched while the browser listens');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    controller.abort();
    await response.body?.cancel().catch(() => {});
    await waitFor(() => hub.clientCount === 0, { what: 'the stream closed' });
    await waitFor(async () => !(await watched()), { what: 'the window lapsed', timeoutMs: 5000 });
  } finally {
    server.close();
    await hub.close();
  }
});

test('alerts reach the stream: alert_raised, alert_acknowledged, alert_cleared', async () => {
  const operator = new Browser(h.gateway.url);
  await operator.login(h.roles.operator, h.password);
  const s = await subscribe(h.gateway.url, operator.cookie);
  try {
    const api = createApi(h.db.pool);
    await api.createJob({ name: 'watched' });
    await api.addStep({ job: 'watched', name: 'one', kind: 'shell', command: 'true' });
    await api.setJobAlert({ job: 'watched', kind: 'freshness', threshold: '1 hour' });
    // The sweep as the database runs it at a claim or heartbeat, with its clock two hours on.
    await h.db.pool.query("SELECT pgautomator._evaluate_alerts(now() + interval '2 hours')");
    const raised = await waitFor(() => s.events.find((e) => e.event === 'alert_raised' && e.job === 'watched' && e.kind === 'freshness'), { what: 'alert_raised' });
    assert.is((await operator.call('acknowledge_alert', { alert_id: raised.alert_id })).status, 200);
    await waitFor(() => s.events.find((e) => e.event === 'alert_acknowledged' && e.alert_id === raised.alert_id), { what: 'alert_acknowledged' });
    const runId = (await operator.call('start_job', { job: 'watched' })).body as number;
    await api.registerAgent({ name: 'alerts-agent', host: 'test' });
    await api.claimRuns({ name: 'alerts-agent', max: 5 });
    await api.endRun({ run_id: runId, state: 'succeeded' });
    await waitFor(() => s.events.find((e) => e.event === 'alert_cleared' && e.alert_id === raised.alert_id), { what: 'alert_cleared by the success' });
  } finally {
    s.close();
  }
});

test.run();
