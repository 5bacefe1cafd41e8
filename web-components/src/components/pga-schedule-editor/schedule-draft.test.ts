/**
 * The draft model's cron mode: a stored cron spec becomes a draft and back into the same spec
 * (the editor saves what it loaded), and a cron draft carries no every and no sub.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateSchedule } from '../../../../extension-src/engine/index.ts';
import { controlOfField, draftToSpec, emptyDraft, specToDraft } from './schedule-draft.ts';

const TODAY = '2026-12-05';

const CRON_SPECS: Array<Record<string, unknown>> = [
  { type: 'cron', time_zone: 'Europe/Berlin', expression: '*/15 8-18 * * mon-fri' },
  { type: 'cron', time_zone: 'UTC', expression: '@daily', start_date: '2027-01-01', end_date: '2027-12-31' },
  // No zone (UTC by default) stays no zone.
  { type: 'cron', expression: '@hourly' },
  { type: 'cron', time_zone: 'America/New_York', expression: '0 12 13 * fri', exceptions: ['2027-03-13', { from: '2027-12-20', to: '2027-12-31' }] },
];

for (const spec of CRON_SPECS) {
  test(`a cron spec round-trips through the draft: ${JSON.stringify(spec)}`, () => {
    validateSchedule(spec);
    assert.equal(draftToSpec(specToDraft(spec, TODAY)), spec);
  });
}

test('switching a new draft to cron gives a valid cron spec without every or sub', () => {
  const spec = draftToSpec({ ...emptyDraft(TODAY), type: 'cron', every: '3' });
  assert.equal(spec, { type: 'cron', time_zone: 'UTC', expression: '0 9 * * mon-fri', start_date: TODAY });
  validateSchedule(spec);
  assert.equal(draftToSpec({ ...emptyDraft(TODAY), type: 'cron', start_date: '' }), { type: 'cron', time_zone: 'UTC', expression: '0 9 * * mon-fri' });
});

test('the expression error belongs to the expression field', () => {
  assert.is(controlOfField('expression'), 'expression');
});

test.run();
