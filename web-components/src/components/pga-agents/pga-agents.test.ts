/**
 * pga-agents alone in Chromium against a real gateway and database: state at a glance, host,
 * version, tags, heartbeat, what each runs now; SMTP settings for admins only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startAndClaim } from '../../../../test/ui/support/protocol.ts';
import { holdNextAnswer } from '../../../../test/ui/support/held-answer.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;

test.before(async () => {
  h = await startUiHarness('ui_agents');
  await h.api.createJob({ name: 'crunch' });
  await h.api.addStep({ job: 'crunch', name: 'one', kind: 'shell', command: 'sleep 100' });
  await h.api.registerAgent({ name: 'idle-agent', host: 'db-2', os: 'linux', version: '0.1.0', tags: ['db', 'eu'] });
  await h.api.registerAgent({ name: 'gone-agent', host: 'old-box' });
  await h.api.agentStop({ name: 'gone-agent' });
});

test.after(async () => {
  await h?.close();
});

test('agents at a glance, and the run an agent executes now, live', async () => {
  await h.mount('<pga-agents gateway-url=""></pga-agents>', 'viewer');
  const agents = h.page.locator('pga-agents');
  const idle = agents.locator('tr[data-agent="idle-agent"]');
  await idle.locator('pga-state-badge[state="online"]').waitFor();
  assert.match((await idle.textContent()) ?? '', /db-2[\s\S]*linux[\s\S]*0\.1\.0[\s\S]*db[\s\S]*eu/);
  await agents.locator('tr[data-agent="gone-agent"] pga-state-badge[state="offline"]').waitFor();
  await agents.getByText('1 online · 0 draining · 1 offline').waitFor();
  assert.is(await agents.getByRole('columnheader', { name: 'Mail' }).count(), 0); // viewers see no SMTP settings
  const run = await startAndClaim(h.api, 'crunch', 'busy-agent');
  const busy = agents.locator('tr[data-agent="busy-agent"]');
  await busy.getByRole('button', { name: `crunch (run ${run.runId})` }).waitFor();
  await h.page.evaluate(() => document.addEventListener('pga-run-open', (e) => ((window as any).opened = (e as CustomEvent).detail)));
  await busy.getByRole('button', { name: `crunch (run ${run.runId})` }).click();
  assert.equal(await h.page.evaluate(() => (window as any).opened), { runId: run.runId });
});

test('an admin sets an agent\'s SMTP relay (a password reference, never a password)', async () => {
  await h.mount('<pga-agents gateway-url=""></pga-agents>', 'admin');
  const agents = h.page.locator('pga-agents');
  await agents.getByRole('button', { name: 'SMTP settings of idle-agent' }).click();
  const form = agents.getByRole('form', { name: 'SMTP settings of idle-agent' });
  await form.getByLabel('Host (empty: no mail)').fill('smtp.example.com');
  await form.getByLabel('Port').fill('587');
  await form.getByLabel('Security').selectOption('starttls');
  await form.getByLabel('User').fill('scheduler');
  await form.getByLabel('Password reference').fill('env:SMTP_PASSWORD');
  await form.getByLabel('From').fill('scheduler@example.com');
  await form.getByRole('button', { name: 'Save SMTP settings' }).click();
  await agents.getByText('Saved the SMTP settings of idle-agent').waitFor();
  await agents.getByRole('button', { name: 'SMTP settings of idle-agent' }).filter({ hasText: 'SMTP: smtp.example.com' }).waitFor();
  const row = ((await h.api.listAgents()) as unknown as Array<Record<string, unknown>>).find((a) => a.name === 'idle-agent')!;
  assert.is(row.smtp_host, 'smtp.example.com');
  assert.is(row.smtp_port, 587);
  assert.is(row.smtp_password_ref, 'env:SMTP_PASSWORD');
  // A password where a reference belongs is refused by the database, and the element says so.
  await agents.getByRole('button', { name: 'SMTP settings of idle-agent' }).click();
  await form.getByLabel('Password reference').fill('hunter2');
  await form.getByRole('button', { name: 'Save SMTP settings' }).click();
  await agents.getByRole('alert').waitFor();
  assert.equal(h.browser.errors, []);
});

test('an older load answered late does not undo a drain the page already shows', async () => {
  await h.mount('<pga-agents gateway-url=""></pga-agents>', 'admin');
  const agents = h.page.locator('pga-agents');
  await agents.getByRole('button', { name: 'Drain agent idle-agent' }).waitFor();
  const held = await holdNextAnswer(h.page, 'list_agents');
  try {
    await agents.getByRole('button', { name: 'Refresh' }).click(); // the older load: idle-agent online
    await held.answered;
    h.page.once('dialog', (dialog) => void dialog.accept()); // Drain asks first
    await agents.getByRole('button', { name: 'Drain agent idle-agent' }).click();
    await agents.getByRole('button', { name: 'Resume agent idle-agent' }).waitFor();
    await held.laterAnswers(2); // the reload after the drain, and the one on its agent_offline event
    await held.release();
    assert.is(await agents.getByRole('button', { name: 'Resume agent idle-agent' }).count(), 1, 'idle-agent shows drained, as it is');
  } finally {
    await held.dispose();
  }
  await agents.getByRole('button', { name: 'Resume agent idle-agent' }).click();
  await agents.getByRole('button', { name: 'Drain agent idle-agent' }).waitFor();
});

test.run();
