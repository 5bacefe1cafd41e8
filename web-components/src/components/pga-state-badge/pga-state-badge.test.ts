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
  assert.is(await badge.locator('[part="badge"]').textContent(), 'state: timed out');
  assert.is(await badge.locator('[part="badge"]').getAttribute('class'), 'state-timed_out');
  // The text is the state colour darkened: at least 4.5:1 on the badge's tinted background (WCAG AA).
  const [fg, bg] = await badge.locator('[part="badge"]').evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
  const channels = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => (c.startsWith('color(') ? v : v / 255));
  const luminance = (c: string) => {
    const [r, g, b] = channels(c).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  assert.ok((l1 + 0.05) / (l2 + 0.05) >= 4.5, `contrast ${fg} on ${bg}`);
});

test('the state property reflects to the attribute; no state reads unknown', async () => {
  await s.page.evaluate(() => ((document.querySelectorAll('pga-state-badge')[1] as any).state = 'running'));
  assert.is(await s.page.locator('pga-state-badge').nth(1).getAttribute('state'), 'running');
  await s.page.evaluate(() => ((document.querySelectorAll('pga-state-badge')[1] as any).state = ''));
  assert.is(await s.page.locator('pga-state-badge').nth(1).locator('[part="badge"]').textContent(), 'state: unknown');
  assert.equal(s.browser.errors, []);
});

test.run();
