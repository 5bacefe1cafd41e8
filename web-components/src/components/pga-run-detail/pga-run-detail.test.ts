/** pga-run-detail in Chromium: run facts, step attempts with output (streamed or stored), Kill. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStaticPage } from '../../../../test/ui/support/ui-harness.ts';

let s: Awaited<ReturnType<typeof startStaticPage>>;

const run = {
  id: 7, job: 'etl', agent: 'web-1', trigger: 'schedule', schedule: 'nightly', scheduled_for: '2026-03-01T02:00:00Z', queued_at: '2026-03-01T02:00:00Z',
  started_at: '2026-03-01T02:00:01Z', finished_at: null, state: 'running', message: null, attempt: 1, retry_of: null, requested_by: null, kill_requested_at: null, kill_requested_by: null,
};
const steps = [
  { id: 11, position: 1, step: 'extract', attempt: 1, retries: 0, agent: 'web-1', state: 'failed', started_at: '2026-03-01T02:00:01Z', finished_at: '2026-03-01T02:00:03Z', exit_code: 2, message: 'exit code 2', output: 'stored output\n', output_bytes: 14 },
  { id: 12, position: 1, step: 'extract', attempt: 2, retries: 1, agent: 'web-1', state: 'running', started_at: '2026-03-01T02:00:33Z', finished_at: null, exit_code: null, message: null, output: null, output_bytes: 0 },
];

test.before(async () => {
  s = await startStaticPage();
  await s.mount('<pga-run-detail can-kill></pga-run-detail>');
  await s.page.evaluate(({ run, steps }) => {
    (window as any).kills = [];
    document.addEventListener('pga-run-kill', (e) => (window as any).kills.push((e as CustomEvent).detail));
    const el = document.querySelector('pga-run-detail') as any;
    el.now = Date.parse('2026-03-01T02:01:01Z');
    el.run = run;
    el.steps = steps;
    el.outputs = { 12: 'streamed so far\n' };
  }, { run, steps });
});

test.after(async () => {
  await s?.close();
});

test('shows trigger, agent, times and duration; each attempt with its output', async () => {
  const detail = s.page.locator('pga-run-detail');
  const text = (await detail.locator('dl').textContent()) ?? '';
  assert.match(text, 'schedule nightly');
  assert.match(text, 'web-1');
  assert.match(text, '1 min 00 s'); // running: up to `now`
  assert.is((await detail.locator('[data-step-run="11"] pre').textContent())?.trim(), 'stored output');
  assert.is((await detail.locator('[data-step-run="12"] pre').textContent())?.trim(), 'streamed so far');
  assert.match((await detail.locator('[data-step-run="12"] header').textContent()) ?? '', 'attempt 2 (retry 1)');
  assert.match((await detail.locator('[data-step-run="11"] header').textContent()) ?? '', 'exit 2');
});

test('Kill while running announces pga-run-kill; none once finished', async () => {
  await s.page.getByRole('button', { name: 'Kill' }).click();
  assert.equal(await s.page.evaluate(() => (window as any).kills), [{ runId: 7 }]);
  await s.page.evaluate(() => {
    const el = document.querySelector('pga-run-detail') as any;
    el.run = { ...el.run, state: 'killed', finished_at: '2026-03-01T02:01:00Z', kill_requested_at: '2026-03-01T02:00:59Z', kill_requested_by: 'alice' };
  });
  await s.page.getByRole('button', { name: 'Kill' }).waitFor({ state: 'detached' });
  assert.match((await s.page.locator('pga-run-detail dl').textContent()) ?? '', 'requested by alice');
  assert.equal(s.browser.errors, []);
});

test.run();
