/** pga-step-list in Chromium: steps in order with kind and flow; action buttons and their event. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStaticPage } from '../../../../test/ui/support/ui-harness.ts';

let s: Awaited<ReturnType<typeof startStaticPage>>;
const step = (position: number, name: string, extra: Record<string, unknown> = {}) => ({
  position, name, enabled: true, kind: 'shell', command: `echo ${name}`, shell: null, connection: null, timeout: null, retries: 0, retry_delay: '00:00:00',
  on_success: 'next', on_success_goto: null, on_failure: 'quit_failure', on_failure_goto: null, ...extra,
});

test.before(async () => {
  s = await startStaticPage();
  await s.mount('<pga-step-list></pga-step-list>');
  await s.page.evaluate((steps) => {
    (window as any).seen = [];
    document.addEventListener('pga-step-action', (e) => (window as any).seen.push((e as CustomEvent).detail));
    (document.querySelector('pga-step-list') as any).steps = steps;
  }, [step(1, 'fetch', { shell: 'bash', retries: 3, retry_delay: '00:00:30' }), step(2, 'load', { kind: 'sql', connection: 'warehouse', command: 'SELECT 1', on_failure: 'goto', on_failure_goto: 'fetch' }), step(3, 'off', { enabled: false })]);
});

test.after(async () => {
  await s?.close();
});

test('renders each step: position, kind, command, flow, retries', async () => {
  const rows = s.page.locator('pga-step-list tbody tr');
  assert.is(await rows.count(), 3);
  const load = (await rows.nth(1).textContent()) ?? '';
  assert.match(load, 'SQL on');
  assert.match(load, 'warehouse');
  assert.match(load, 'go to “fetch”');
  assert.match((await rows.nth(0).textContent()) ?? '', /retries: 3, every 30 seconds[\s\S]*shell \(bash\)/);
  assert.match((await rows.nth(2).textContent()) ?? '', '(disabled)');
});

test('buttons announce pga-step-action with index and name; ends cannot move further', async () => {
  assert.ok(await s.page.getByRole('button', { name: 'Move step fetch up' }).isDisabled());
  assert.ok(await s.page.getByRole('button', { name: 'Move step off down' }).isDisabled());
  await s.page.getByRole('button', { name: 'Move step load up' }).click();
  await s.page.getByRole('button', { name: 'Edit step off' }).click();
  await s.page.getByRole('button', { name: 'Delete step fetch' }).click();
  assert.equal(await s.page.evaluate(() => (window as any).seen), [
    { action: 'up', index: 1, name: 'load' },
    { action: 'edit', index: 2, name: 'off' },
    { action: 'delete', index: 0, name: 'fetch' },
  ]);
});

test('readonly hides the actions', async () => {
  await s.page.evaluate(() => ((document.querySelector('pga-step-list') as any).readonly = true));
  await s.page.getByRole('button', { name: 'Edit step off' }).waitFor({ state: 'detached' });
  assert.equal(s.browser.errors, []);
});

test.run();
