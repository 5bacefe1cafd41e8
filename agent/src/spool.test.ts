import { mkdtempSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Spool, type SpoolEntry } from './spool.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-spool-'));
const at = '2026-01-01T00:00:00.000Z';
const endRun = (runId: number): SpoolEntry => ({ op: 'end_run', runId, state: 'succeeded', message: null, at });
const endStep = (runId: number, stepRunId: number): SpoolEntry => ({ op: 'end_step', runId, stepRunId, state: 'failed', exitCode: 2, message: 'exit code 2', output: 'out', outputBytes: 3, at });

test('entries survive a restart, in order, in a private file', async () => {
  const file = path.join(dir, 'sub', 'a.spool');
  const spool = new Spool(file);
  await spool.append(endStep(1, 10));
  await spool.append(endRun(1));
  await spool.append(endRun(2));
  assert.is(statSync(file).mode & 0o777, 0o600);
  const again = new Spool(file);
  assert.equal(await again.load(), [endStep(1, 10), endRun(1), endRun(2)]);
  assert.equal(again.runIds(), [1, 2]);
});

test('replay writes in order, stops at the first unreachable, keeps the rest on disk', async () => {
  const file = path.join(dir, 'b.spool');
  const spool = new Spool(file);
  for (const e of [endStep(1, 10), endRun(1), endRun(2), endRun(3)]) await spool.append(e);
  const seen: number[] = [];
  const written = await spool.replay(async (e) => {
    seen.push(e.runId);
    if (e.op === 'end_run' && e.runId === 2) return 'dropped';
    if (e.op === 'end_run' && e.runId === 3) return 'unreachable';
    return 'written';
  });
  assert.is(written, 2);
  assert.equal(seen, [1, 1, 2, 3]);
  assert.is(spool.size, 1);
  assert.equal(await new Spool(file).load(), [endRun(3)]);
  assert.is(await spool.replay(async () => 'written'), 1);
  assert.is(readFileSync(file, 'utf8'), '');
});

test('appends during a replay are kept, after the replayed ones', async () => {
  const file = path.join(dir, 'c.spool');
  const spool = new Spool(file);
  for (let i = 1; i <= 120; i++) await spool.append(endRun(i));
  const order: number[] = [];
  await spool.replay(async (e) => {
    order.push(e.runId);
    if (e.runId === 60) await spool.append(endRun(1000));
    return 'written';
  });
  assert.is(order.length, 121);
  assert.is(order[120], 1000);
  assert.is(spool.size, 0);
  assert.equal(await new Spool(file).load(), []);
});

test('a line cut short by a crash is ignored', async () => {
  const file = path.join(dir, 'd.spool');
  writeFileSync(file, `${JSON.stringify(endRun(1))}\n`);
  appendFileSync(file, '{"op":"end_run","runId":2,"sta');
  assert.equal(await new Spool(file).load(), [endRun(1)]);
});

test.run();
