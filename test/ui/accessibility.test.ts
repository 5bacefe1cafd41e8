/**
 * axe-core on every screen of the console, in Chromium, at 1400x900 and at phone width 390x844:
 * no critical and no serious violation (issue 15, defect 11), and each screen has one h1 and a
 * main landmark (the moderate findings of the issue).
 *
 * pgautomator-test-timeout: 360 (13 screens at two sizes took 163 s on a shared 2-core machine; the
 * default 240 s left too little room)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { axeViolations, describeViolations } from './support/axe.ts';
import { finish, startAndClaim } from './support/protocol.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
let failedRun = 0;
let triggeredRun = 0;

test.before(async () => {
  h = await startUiHarness('ui_axe');
  await h.api.createCategory({ name: 'ops' });
  await h.api.createJob({ name: 'dba-check', category: 'ops', description: 'checks the DBA things' });
  await h.api.addStep({ job: 'dba-check', name: 'check', kind: 'shell', command: 'echo ok' });
  await h.api.createSchedule({ name: 'weekday-mornings', spec: { type: 'weekly', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], time_zone: 'Europe/Berlin', start_date: '2026-01-01', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '18:00' } } });
  await h.api.attachSchedule({ job: 'dba-check', schedule: 'weekday-mornings' });
  await h.api.createSchedule({ name: 'cron-quarter-hours', spec: { type: 'cron', expression: '*/15 8-18 * * mon-fri', time_zone: 'Europe/Berlin', exceptions: ['2027-12-24'] } });
  // dba-report runs after dba-check succeeds (issue 17): its run shows its cause in history.
  await h.api.createJob({ name: 'dba-report', category: 'ops' });
  await h.api.addStep({ job: 'dba-report', name: 'report', kind: 'shell', command: 'echo report' });
  await h.api.addJobTrigger({ job: 'dba-report', after: 'dba-check' });
  const ok = await startAndClaim(h.api, 'dba-check', 'axe-agent');
  await finish(h.api, ok, 'succeeded', 'all good\n');
  const bad = await startAndClaim(h.api, 'dba-check', 'axe-agent');
  await finish(h.api, bad, 'failed', 'disk full\n');
  failedRun = bad.runId;
  await startAndClaim(h.api, 'dba-check', 'axe-agent'); // one running (this claim also took the run dba-report's start made)
  triggeredRun = ((await h.api.listRuns({ job: 'dba-report' })) as unknown as Array<{ id: number }>)[0].id;
  // Two open alerts, one acknowledged (dimmed rows must keep their contrast).
  await h.api.setJobAlert({ job: 'dba-check', kind: 'freshness', threshold: '1 hour' });
  await h.api.setJobAlert({ job: 'dba-report', kind: 'freshness', threshold: '1 hour' });
  await h.db.pool.query(`SELECT pgautomator._evaluate_alerts(now() + interval '2 hours')`);
  const raised = (await h.api.listAlerts()) as unknown as Array<{ id: number | null; job: string }>;
  await h.api.acknowledgeAlert({ alert_id: raised.find((a) => a.job === 'dba-report')!.id! });
  await h.api.setAgentSmtp({ agent: 'axe-agent', host: 'smtp.example.com', port: 25, security: 'none' });
  await h.api.drainAgent({ name: 'axe-agent' });
});

test.after(async () => {
  await h?.close();
});

// ready: what must be on screen before axe looks (every one of them).
const SCREENS: Array<{ name: string; hash: () => string; ready: string | string[] }> = [
  { name: 'overview', hash: () => 'overview', ready: 'pga-overview [data-part="agents"] li[data-agent="axe-agent"]' },
  { name: 'jobs', hash: () => 'jobs', ready: 'pga-jobs tr[data-job="dba-check"]' },
  { name: 'job editor', hash: () => 'job/dba-check', ready: 'pga-job-editor pga-step-list tr[data-step="check"]' },
  { name: 'new job', hash: () => 'job/', ready: 'pga-job-editor form' },
  { name: 'schedule editor', hash: () => 'schedules/weekday-mornings', ready: 'pga-schedule-calendar [part~="fire-day"]' },
  { name: 'schedule editor, cron mode', hash: () => 'schedules/cron-quarter-hours', ready: 'pga-schedule-editor .cron-reading' },
  { name: 'history with a run open', hash: () => `runs/${failedRun}`, ready: 'pga-run-detail pga-state-badge' },
  { name: 'history, a run started by another run', hash: () => `runs/${triggeredRun}`, ready: 'pga-run-detail dd.cause pga-state-badge' },
  { name: 'timeline', hash: () => 'timeline', ready: 'pga-timeline rect.bar' },
  { name: 'alerts', hash: () => 'alerts', ready: 'pga-alerts tr.acknowledged[data-alert]' },
  // axe-agent drained, with an SMTP relay: the Resume and "Send test mail" controls are on screen.
  { name: 'agents', hash: () => 'agents', ready: ['pga-agents tr[data-agent="axe-agent"] pga-state-badge[state="draining"]', 'pga-agents button.link'] },
  { name: 'settings', hash: () => 'settings', ready: ['pga-settings tr[data-category="ops"]', 'pga-retention [data-rule]', 'pga-role-grants tr[data-grant]'] },
];

test('the login screen: no critical or serious violation, a main landmark and an h1', async () => {
  await h.browser.context.clearCookies();
  await h.page.setViewportSize({ width: 1400, height: 900 });
  await h.page.goto(`${h.gateway.url}/`);
  await h.page.getByLabel('Database role').waitFor();
  const found = await axeViolations(h.page);
  assert.is(found.length, 0, describeViolations(found));
  assert.is(await h.page.getByRole('main').count(), 1);
  assert.is(await h.page.getByRole('heading', { level: 1 }).count(), 1);
});

for (const viewport of [{ width: 1400, height: 900 }, { width: 390, height: 844 }]) {
  test(`every screen at ${viewport.width}x${viewport.height}: no critical or serious violation`, async () => {
    const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles.admin, password: h.password } });
    assert.ok(reply.ok());
    await h.page.goto('about:blank'); // the next page load asks who we are again
    await h.page.setViewportSize(viewport);
    const report: string[] = [];
    for (const screen of SCREENS) {
      await h.page.goto(`${h.gateway.url}/#${screen.hash()}`);
      for (const ready of [screen.ready].flat()) await h.page.locator(ready).first().waitFor();
      const found = await axeViolations(h.page);
      if (found.length) report.push(`${screen.name}:\n${describeViolations(found)}`);
      if ((await h.page.getByRole('heading', { level: 1 }).count()) !== 1) report.push(`${screen.name}: not exactly one h1`);
      if ((await h.page.getByRole('main').count()) !== 1) report.push(`${screen.name}: not exactly one main landmark`);
    }
    assert.is(report.length, 0, report.join('\n\n'));
  });
}

test.run();
