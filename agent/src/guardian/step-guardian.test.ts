import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { groupAlive } from '../executors/shell.ts';

const script = fileURLToPath(new URL('./guardian-process.mjs', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-guardian-'));

/** A process group of its own (like a shell step's): its leader's pid. */
function group(): number {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

function guardian(pidFile: string) {
  const child = spawn(process.execPath, [script, pidFile], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, lines, exited, send: (line: string) => child.stdin!.write(`${line}\n`) };
}

async function until(check: () => boolean, ms: number, what: string): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

test('EOF on stdin (the agent died): every known group is killed at once, the pid file removed, the guardian exits', async () => {
  const pidFile = path.join(dir, 'a.pid');
  const g = guardian(pidFile);
  const [a, b] = [group(), group()];
  g.send(`add ${a}`);
  g.send(`add ${b}`);
  await until(() => g.lines.some((l) => l.startsWith('ready')) && existsSync(pidFile), 5_000, 'ready');
  assert.is(readFileSync(pidFile, 'utf8').trim(), String(g.child.pid));
  g.child.stdin!.end();
  const took = await until(() => !groupAlive(a) && !groupAlive(b), 2_000, 'groups gone');
  assert.ok(took < 2_000);
  assert.is(await g.exited, 0);
  assert.not.ok(existsSync(pidFile));
});

test('the lease runs out: known groups are fenced and reported, the guardian keeps running; del forgets a group', async () => {
  const g = guardian(path.join(dir, 'b.pid'));
  const [kept, ended] = [group(), group()];
  g.send(`add ${kept}`);
  g.send(`add ${ended}`);
  g.send(`del ${ended}`);
  g.send('lease 300');
  await until(() => g.lines.some((l) => l.startsWith('fenced')), 3_000, 'fenced');
  assert.equal(g.lines.filter((l) => l.startsWith('fenced')), [`fenced ${kept}`]);
  assert.not.ok(groupAlive(kept));
  assert.ok(groupAlive(ended), 'a group it was told ended is not its business');
  process.kill(-ended, 'SIGKILL');
  // Still there, and a step started after the lease ran out is fenced at once.
  const late = group();
  g.send(`add ${late}`);
  await until(() => g.lines.includes(`fenced ${late}`), 3_000, 'late group fenced');
  // A renewal holds again.
  const renewed = group();
  g.send('lease 60000');
  g.send(`add ${renewed}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(groupAlive(renewed));
  g.child.stdin!.end();
  await g.exited;
  assert.not.ok(groupAlive(renewed));
});

test('add <pgid> keep (a step of an on_abandon = wait job): spared when the lease runs out, killed when the agent dies', async () => {
  const g = guardian(path.join(dir, 'c.pid'));
  const [kept, fenced] = [group(), group()];
  g.send(`add ${kept} keep`);
  g.send(`add ${fenced}`);
  g.send('lease 300');
  await until(() => g.lines.some((l) => l.startsWith('fenced')), 3_000, 'fenced');
  assert.equal(g.lines.filter((l) => l.startsWith('fenced')), [`fenced ${fenced}`]);
  assert.not.ok(groupAlive(fenced));
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // past the SIGKILL of the fence
  assert.ok(groupAlive(kept), 'a kept group outlives the lease');
  // A kept group started after the lease ran out runs too; a plain one is fenced at once.
  const [lateKept, late] = [group(), group()];
  g.send(`add ${lateKept} keep`);
  g.send(`add ${late}`);
  await until(() => g.lines.includes(`fenced ${late}`), 3_000, 'late plain group fenced');
  assert.ok(groupAlive(lateKept));
  assert.not.ok(g.lines.some((l) => l.split(' ').includes(String(kept)) || l.split(' ').includes(String(lateKept))), 'kept groups are never reported fenced');
  // The agent dies: they go too.
  g.child.stdin!.end();
  await until(() => !groupAlive(kept) && !groupAlive(lateKept), 2_000, 'kept groups gone with the agent');
  assert.is(await g.exited, 0);
});

test.run();
