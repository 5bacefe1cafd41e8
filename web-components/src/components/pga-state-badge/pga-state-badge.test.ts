/** pga-state-badge in Chromium: label, state colour class, accessible name, reflected attribute. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStaticPage } from '../../../../test/ui/support/ui-harness.ts';

let s: Awaited<ReturnType<typeof startStaticPage>>;

test.before(async () => {
  s = await startStaticPage();
  await s.mount('<pga-state-badge state="timed_out"></pga-state-badge><pga-state-badge></pga-state-badge>');
});

test.after(async () => {
  await s?.close();
});

test('renders the state in words with its colour class', async () => {
  const badge = s.page.locator('pga-state-badge').first();
  assert.is(await badge.getByRole('status').getAttribute('aria-label'), 'state: timed out');
  assert.is(await badge.locator('[part="badge"]').getAttribute('class'), 'state-timed_out');
  const colour = await badge.locator('[part="badge"]').evaluate((el) => getComputedStyle(el).color);
  assert.is(colour, 'rgb(178, 106, 0)');
});

test('the state property reflects to the attribute; no state reads unknown', async () => {
  await s.page.evaluate(() => ((document.querySelectorAll('pga-state-badge')[1] as any).state = 'running'));
  assert.is(await s.page.locator('pga-state-badge').nth(1).getAttribute('state'), 'running');
  await s.page.evaluate(() => ((document.querySelectorAll('pga-state-badge')[1] as any).state = ''));
  assert.is(await s.page.locator('pga-state-badge').nth(1).getByRole('status').textContent(), 'unknown');
  assert.equal(s.browser.errors, []);
});

test.run();
