/** pga-login-form in Chromium: labelled fields, keyboard submit, the pga-login-submit event, errors. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStaticPage } from '../../../../test/ui/support/ui-harness.ts';

let s: Awaited<ReturnType<typeof startStaticPage>>;

test.before(async () => {
  s = await startStaticPage();
  await s.mount('<div id="host"><pga-login-form></pga-login-form></div>');
  await s.page.evaluate(() => {
    (window as any).seen = [];
    // Listening on an ancestor outside the shadow root: the event bubbles and is composed.
    document.getElementById('host')!.addEventListener('pga-login-submit', (e) => (window as any).seen.push((e as CustomEvent).detail));
  });
});

test.after(async () => {
  await s?.close();
});

test('typing and pressing Enter submits {user, password}', async () => {
  await s.page.getByLabel('Database role').fill('alice');
  await s.page.getByLabel('Password').fill('s3cret');
  await s.page.keyboard.press('Enter');
  assert.equal(await s.page.evaluate(() => (window as any).seen), [{ user: 'alice', password: 's3cret' }]);
});

test('an error is shown as an alert; busy disables the form', async () => {
  await s.page.evaluate(() => {
    const el = document.querySelector('pga-login-form') as any;
    el.error = 'login failed: wrong user name or password';
    el.busy = true;
  });
  assert.match(await s.page.getByRole('alert').textContent() ?? '', 'login failed');
  assert.ok(await s.page.getByRole('button', { name: 'Log in' }).isDisabled());
  assert.equal(s.browser.errors, []);
});

test.run();
