/**
 * Administration screens (issue 15, defect 4), in Chromium: access grants (grant, an unknown role
 * named at its field, revoke after a question), history retention (change it, a bad duration at
 * its field, purge now saying how many runs go), draining and resuming an agent, and a test mail
 * through an agent's SMTP relay: a real agent child process sends it to a real SMTP server
 * (smtp-server), and the screen follows it to "sent", or to the failed attempt.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { urlWithCredentials } from '../../server/auth.ts';
import { startMailServer, type MailServer } from '../agent/mail-server.ts';
import { startAgent, type AgentProcess } from './support/agent-process.ts';
import { axeViolations, describeViolations } from './support/axe.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
let mail: MailServer;
let agent: AgentProcess | undefined;
const page = () => h.page;
const person = `pga_ui_person_${process.pid}`;
const MAILER = 'mailer';

test.before(async () => {
  h = await startUiHarness('ui_admin');
  mail = await startMailServer();
  await h.db.pool.query(`CREATE ROLE ${person} LOGIN`);
  const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles.admin, password: h.password } });
  assert.ok(reply.ok());
  await page().setViewportSize({ width: 1400, height: 900 });
});

test.after(async () => {
  await agent?.stop();
  if (agent && process.exitCode) console.error(`agent output:\n${agent.output()}`);
  await mail?.close();
  await h?.close();
  await h?.db.pool.query(`DROP ROLE IF EXISTS ${person}`).catch(() => {});
});

async function open(hash: string): Promise<void> {
  await page().goto(`${h.gateway.url}/#${hash}`);
  await page().getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Polls `check` every 100 ms until it holds (20 s at most). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return;
  throw new Error(`timed out waiting until ${what}\n${agent?.output() ?? ''}`);
}

/** How often the agent logged that its SMTP settings changed. */
function smtpChanges(): number {
  return agent ? agent.output().split('SMTP settings changed').length - 1 : 0;
}

/** The question of the next dialog, which is accepted. */
function acceptNextDialog(): Promise<string> {
  return new Promise((resolve) => page().once('dialog', (d) => (resolve(d.message()), void d.accept())));
}

test('access: grant a role operator access, an unknown role is named at its field, revoke asks first', async () => {
  await open('settings');
  const grants = page().locator('pga-role-grants');
  const form = grants.getByRole('form', { name: 'Grant access' });
  await form.getByLabel('Role').fill(person);
  await form.getByLabel('Access').selectOption('operator');
  await form.getByRole('button', { name: 'Grant access' }).click();
  await grants.locator(`tr[data-grant="${person}:operator"]`).waitFor();
  const stored = (await h.db.pool.query('SELECT access FROM pgautomator.list_role_grants() WHERE role_name = $1', [person])).rows;
  assert.equal(stored, [{ access: 'operator' }]);

  await form.getByLabel('Role').fill('nobody_here');
  await form.getByRole('button', { name: 'Grant access' }).click();
  await form.locator('input[name="grant_role_name"][aria-invalid="true"]').waitFor();
  assert.match((await form.locator('#err-grant_role_name').textContent()) ?? '', /role nobody_here does not exist/);
  const found = await axeViolations(page());
  assert.is(found.length, 0, `settings with a field error: ${describeViolations(found)}`);

  const question = acceptNextDialog();
  await grants.getByRole('button', { name: `Revoke operator access from ${person}` }).click();
  assert.match(await question, new RegExp(`Revoke operator access from “${person}”\\?`));
  await grants.locator(`tr[data-grant="${person}:operator"]`).waitFor({ state: 'detached' });
  assert.is((await h.db.pool.query('SELECT 1 FROM pgautomator.list_role_grants() WHERE role_name = $1', [person])).rowCount, 0);
});

test('retention: shown, changed, a bad duration named at its field; purge now says how many runs go', async () => {
  // Four finished runs of one job.
  await h.api.createJob({ name: 'chatty', overlap: 'allow' });
  await h.api.addStep({ job: 'chatty', name: 'one', kind: 'shell', command: 'true' });
  await h.api.registerAgent({ name: 'finisher', host: 'h', os: 'linux', version: 't', tags: [] });
  for (let i = 0; i < 4; i++) await h.api.startJob({ job: 'chatty' });
  const claimed = (await h.api.claimRuns({ name: 'finisher', max: 10 })) as unknown as Array<{ run_id: number }>;
  assert.is(claimed.length, 4);
  for (const r of claimed) await h.api.endRun({ run_id: r.run_id, state: 'succeeded' });
  await h.api.agentStop({ name: 'finisher' });

  await open('settings');
  const retention = page().locator('pga-retention');
  await retention.locator('[data-rule]').waitFor();
  assert.match((await retention.locator('[data-rule]').textContent()) ?? '', /no limit/);
  const form = retention.getByRole('form', { name: 'Retention' });
  await form.getByLabel('Keep for').fill('forever');
  await form.getByRole('button', { name: 'Save retention' }).click();
  await form.locator('input[name="keep_age"][aria-invalid="true"]').waitFor();
  assert.match((await form.locator('#err-keep_age').textContent()) ?? '', /is not a duration/);

  await form.getByLabel('Keep runs per job').fill('2');
  await form.getByLabel('Keep for').fill('30 days');
  await form.getByRole('button', { name: 'Save retention' }).click();
  await retention.getByText(/Saved the retention/).waitFor();
  const stored = (await h.db.pool.query('SELECT pgautomator.get_retention() AS r')).rows[0].r;
  assert.is(stored.keep_runs, 2);
  assert.is(stored.keep_age, '30 days');
  assert.match((await retention.locator('[data-to-purge]').textContent()) ?? '', /^2 /);

  const question = acceptNextDialog();
  await form.getByRole('button', { name: 'Purge now…' }).click();
  assert.match(await question, /Delete 2 finished run\(s\) now.*newest 2 finished runs of each job stay.*30 days/);
  await retention.getByText('Deleted 2 finished run(s).').waitFor();
  assert.is((await h.db.pool.query(`SELECT count(*)::int AS n FROM pgautomator.list_runs(job => 'chatty')`)).rows[0].n, 2);
});

test('agents: drain an agent (asking first), shown draining, claims nothing; resume it', async () => {
  await h.api.registerAgent({ name: 'busy', host: 'h', os: 'linux', version: 't', tags: [] });
  await open('agents');
  const agents = page().locator('pga-agents');
  const row = agents.locator('tr[data-agent="busy"]');
  const question = acceptNextDialog();
  await row.getByRole('button', { name: 'Drain agent busy' }).click();
  assert.match(await question, /Drain agent “busy”\? It runs nothing now and takes no new runs until you resume it/);
  await row.locator('pga-state-badge[state="draining"]').waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(`drained by ${h.roles.admin}`));
  await h.api.startJob({ job: 'chatty' });
  assert.is(((await h.api.claimRuns({ name: 'busy', max: 5 })) as unknown[]).length, 0, 'a drained agent claims nothing');

  await row.getByRole('button', { name: 'Resume agent busy' }).click();
  await row.locator('pga-state-badge[state="online"]').waitFor();
  assert.is(((await h.api.claimRuns({ name: 'busy', max: 5 })) as unknown[]).length, 1, 'resumed, it claims again');
});

test('agents: a test mail goes through the agent\'s SMTP relay; the screen follows it to sent, then to a failed attempt', async () => {
  agent = startAgent(urlWithCredentials(h.db.url, h.roles.agent, h.password), MAILER, ['--heartbeat-interval', '1']);
  await until(async () => ((await h.api.listAgents()) as Array<{ name: string }>).some((a) => a.name === MAILER), 'the agent registers');
  await h.api.setAgentSmtp({ agent: MAILER, host: '127.0.0.1', port: mail.port, security: 'none', from: 'scheduler@example.com' });
  await until(async () => smtpChanges() >= 1, 'the agent reads its SMTP settings at a heartbeat');
  await open('agents');
  const agents = page().locator('pga-agents');
  await agents.getByRole('button', { name: `Send test mail through ${MAILER}` }).click();
  const form = agents.getByRole('form', { name: `Test mail through ${MAILER}` });
  await form.getByLabel('To').fill('dba@example.com');
  await form.getByRole('button', { name: 'Send test mail' }).click();
  await agents.locator('[data-test-mail="sent"]').waitFor({ timeout: 20_000 });
  assert.match((await agents.locator('[data-test-mail]').textContent()) ?? '', /Test mail to dba@example\.com through mailer: sent/);
  const received = mail.received.find((m) => m.to.includes('dba@example.com'));
  assert.ok(received, 'the SMTP server received it');
  assert.match(received!.raw, /test mail from agent mailer/);

  // A relay that refuses: the screen says the attempt failed and why.
  await h.api.setAgentSmtp({ agent: MAILER, host: '127.0.0.1', port: 1, security: 'none' });
  await until(async () => smtpChanges() >= 2, 'the agent reads its new SMTP settings');
  await agents.getByRole('button', { name: `Send test mail through ${MAILER}` }).click();
  await form.getByLabel('To').fill('ops@example.com');
  await form.getByRole('button', { name: 'Send test mail' }).click();
  await agents.getByText(/Test mail to ops@example\.com through mailer: attempt 1 failed/).waitFor({ timeout: 30_000 });
  await agents.getByRole('button', { name: `Send test mail through ${MAILER}` }).click(); // the form open beside the outcome
  const found = await axeViolations(page());
  assert.is(found.length, 0, `agents with a test mail's outcome: ${describeViolations(found)}`);
});

test("a schedule's delete refused by the database (a job attached meanwhile) shows why, and the job now using it", async () => {
  await h.api.createSchedule({ name: 'hourly', spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour' } } });
  await open('schedules/hourly');
  const editor = page().locator('pga-schedule-editor');
  const usedBy = editor.getByRole('region', { name: 'Jobs using this schedule' });
  await usedBy.getByText(/No job uses this schedule yet/).waitFor();
  await h.api.attachSchedule({ job: 'chatty', schedule: 'hourly' }); // behind the editor's back
  const question = acceptNextDialog();
  await editor.getByRole('button', { name: 'Delete schedule' }).click();
  assert.is(await question, 'Delete schedule “hourly”?');
  await editor.getByRole('alert').filter({ hasText: /schedule 'hourly' is attached to 1 job\(s\): chatty/ }).waitFor();
  await usedBy.locator('li[data-job="chatty"]').waitFor();
  assert.ok(((await h.api.listSchedules()) as Array<{ name: string }>).some((s) => s.name === 'hourly'), 'the schedule is still there');
});

test('a real agent, drained, finishes the run it runs and starts no new one until resumed', async () => {
  // The mailer agent of the test above (a child process heartbeating every second).
  await h.api.createJob({ name: 'pinned', agent: MAILER, overlap: 'allow' });
  await h.api.addStep({ job: 'pinned', name: 'nap', kind: 'shell', command: 'sleep 1' });
  const state = async (id: number) => ((await h.api.getRun({ run_id: id })) as { run: { state: string } }).run.state;
  const first = Number(await h.api.startJob({ job: 'pinned' }));
  await until(async () => (await state(first)) === 'running', 'the first run starts');
  await h.api.drainAgent({ name: MAILER });
  const second = Number(await h.api.startJob({ job: 'pinned' }));
  await until(async () => (await state(first)) === 'succeeded', 'the running run ends normally');
  // Two heartbeats later (each renews last_heartbeat_at), the new run is still queued.
  const heartbeat = async () => new Date((await h.api.listAgents()).find((a) => a.name === MAILER)!.last_heartbeat_at!).getTime();
  const since = await heartbeat();
  await until(async () => (await heartbeat()) >= since + 2000, 'two more heartbeats');
  assert.is(await state(second), 'queued', 'a drained agent starts nothing new');
  await h.api.undrainAgent({ name: MAILER });
  await until(async () => (await state(second)) === 'succeeded', 'resumed, the agent runs the queued run');
});

test.run();
