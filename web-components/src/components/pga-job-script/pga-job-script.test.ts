/**
 * "Script as SQL" in the job editor (Chromium, real gateway and database): the dialog shows
 * script_job's SQL and Copy puts it on the clipboard; the editor links to the job's history.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';
import { axeViolations, describeViolations } from '../../../../test/ui/support/axe.ts';

let h: UiHarness;
const job = `it's "nightly" ✓`;

test.before(async () => {
  h = await startUiHarness('ui_job_script');
  await h.api.createJob({ name: job, description: 'line 1\nline 2' });
  await h.api.addStep({ job, name: 'dump', kind: 'shell', command: "pg_dump -Fc app > '/tmp/app.dump'" });
});
test.after(async () => {
  await h?.close();
});

test('Script as SQL shows the script in a dialog; Copy copies it; the editor links to the job history', async () => {
  await h.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.gateway.url });
  await h.mount(`<pga-job-editor gateway-url="" job="${job.replace(/"/g, '&quot;')}"></pga-job-editor>`, 'viewer');
  const editor = h.page.locator('pga-job-editor');
  const history = editor.getByRole('link', { name: 'History of this job' });
  await history.waitFor();
  assert.is(await history.getAttribute('href'), `#runs?job=${encodeURIComponent(job)}`);
  await editor.getByRole('button', { name: 'Script as SQL' }).click();
  const dialog = editor.getByRole('dialog', { name: `Job “${job}” as SQL` });
  await dialog.waitFor();
  const expected = (await h.api.scriptJob({ name: job })) as string;
  assert.is(await dialog.getByLabel('SQL script').textContent(), expected);
  assert.match(expected, `name => 'it''s "nightly" ✓'`);
  // The bare page elements are mounted on has no <title> nor lang: those two rules are the harness's, not the element's.
  const found = (await axeViolations(h.page)).filter((v) => !['document-title', 'html-has-lang'].includes(v.id));
  assert.is(found.length, 0, `axe, script dialog open: ${describeViolations(found)}`);
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  assert.is(await h.page.evaluate(() => navigator.clipboard.readText()), expected);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(h.browser.errors, []);
});

test.run();
