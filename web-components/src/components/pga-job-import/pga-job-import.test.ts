/**
 * "Import job" (Chromium, real gateway and database): a document exported with export_job, pasted
 * with a new name, creates the job (pga-job-import announces it); a document naming a connection
 * missing here says which part of the document is at fault and creates nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';
import { axeViolations, describeViolations } from '../../../../test/ui/support/axe.ts';

let h: UiHarness;

test.before(async () => {
  h = await startUiHarness('ui_job_import');
  await h.api.createConnection({ name: 'warehouse', driver: 'postgres', dsn: 'postgres://etl@wh.example.com/dw' });
  await h.api.createJob({ name: 'load' });
  await h.api.addStep({ job: 'load', name: 'extract', kind: 'shell', command: 'extract.sh' });
  await h.api.addStep({ job: 'load', name: 'load', kind: 'sql', command: 'CALL load()', connection: 'warehouse' });
});
test.after(async () => {
  await h?.close();
});

const names = async () => ((await h.api.listJobs({})) as Array<{ name: string }>).map((j) => j.name).sort();

test('a pasted document with a new name creates the job; a missing connection is named and nothing is created', async () => {
  const doc = (await h.api.exportJob({ name: 'load' })) as Record<string, any>;
  await h.mount('<pga-job-import gateway-url=""></pga-job-import>', 'admin');
  await h.page.evaluate(() => {
    (window as any).imported = [];
    document.addEventListener('pga-job-import', (e) => (window as any).imported.push((e as CustomEvent).detail.name));
  });
  const element = h.page.locator('pga-job-import');
  await element.getByRole('button', { name: 'Import job' }).click();
  const dialog = element.getByRole('dialog', { name: 'Import a job' });
  await dialog.getByLabel('Document (JSON)').fill(JSON.stringify(doc));
  // The bare page elements are mounted on has no <title> nor lang: those two rules are the harness's, not the element's.
  const found = (await axeViolations(h.page)).filter((v) => !['document-title', 'html-has-lang'].includes(v.id));
  assert.is(found.length, 0, `axe, import dialog open: ${describeViolations(found)}`);
  await dialog.getByLabel('New name (empty: the document\'s)').fill('load copy');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await h.page.evaluate(() => (window as any).imported), ['load copy']);
  const copy = (await h.api.getJob({ name: 'load copy' })) as { steps: Array<{ name: string; connection: string | null }> };
  assert.equal(copy.steps.map((s) => [s.name, s.connection]), [['extract', null], ['load', 'warehouse']]);

  // The same document where its connection has another name: the error names the document's part.
  doc.steps[1].connection = 'elsewhere';
  await element.getByRole('button', { name: 'Import job' }).click();
  await dialog.getByLabel('Document (JSON)').fill(JSON.stringify(doc));
  await dialog.getByLabel('New name (empty: the document\'s)').fill('load three');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const problem = dialog.getByRole('alert');
  await problem.waitFor();
  assert.match(await problem.textContent() ?? '', /step 2 \(load\): connection 'elsewhere' does not exist \(in the document: steps\[2\]\.connection\)/);
  assert.equal(await names(), ['load', 'load copy'], 'nothing was created');
  // Not JSON at all: said before anything is sent.
  await dialog.getByLabel('Document (JSON)').fill('{"format": ');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await problem.filter({ hasText: 'This is not a JSON document' }).waitFor();
  assert.equal(h.browser.errors.filter((e) => !/status of 404/.test(e)), []);
});

test.run();
