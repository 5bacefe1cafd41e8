/**
 * A step's command does not begin before its process group is guarded (issue 12's "a step outliving
 * its killed agent"): the agent starts the shell behind a gate on its stdin and opens it only once
 * the guardian has been told the group. An agent that dies in between (SIGKILL under load, found by
 * the fault drill: a step began 0.3 s after its agent's SIGKILL and ran to the end unrecorded, while
 * its run was retried) closes the gate by dying, and the command never runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep, type StepContext } from '../../agent/src/executors/executor.ts';
import { groupAlive, runShellStep } from '../../agent/src/executors/shell.ts';
import { createLogger } from '../../agent/src/logger.ts';
import { OutputBuffer } from '../../agent/src/output-buffer.ts';
import type { ClaimedStep } from '../../agent/src/protocol.ts';
import { createSecretResolver } from '../../agent/src/secrets.ts';
import { cleanup, tempDir } from './support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function step(command: string): ClaimedStep {
  return {
    stepId: 1, position: 1, name: 'gated', enabled: true, kind: 'shell', command, shell: null, workingDir: null, env: {},
    successCodes: [0], timeout: null, retries: 0, retryDelay: 0, retryBackoff: 1, onSuccess: 'next', onSuccessGoto: null,
    onFailure: 'quit_failure', onFailureGoto: null, connection: null,
  };
}

function context(started: (pgid: number) => Promise<void> | void, signal = new AbortController().signal): StepContext & { output: OutputBuffer } {
  return {
    runId: 1, job: 'gated', attempt: 1, signal, output: new OutputBuffer({ keepBytes: 4096, flushMs: 50, flushBytes: 4096 }),
    secrets: createSecretResolver({ secretsFile: null, env: {} }), logger: createLogger({ format: 'text', level: 'error', write: () => {} }),
    killGraceMs: 200, processGroups: { started, ended: () => {} },
  };
}

test.after(async () => {
  await cleanup();
});

test('the command waits until the group is guarded, then runs with an empty stdin', async () => {
  const marker = path.join(tempDir(), 'gate-open');
  let guard!: () => void;
  const guarded = new Promise<void>((resolve) => (guard = resolve));
  const ctx = context(() => guarded);
  const running = runShellStep(step(`cat; touch '${marker}'; echo ran`), ctx);
  await sleep(700);
  assert.not.ok(existsSync(marker), 'the command began before its group was guarded');
  guard();
  const result = await running;
  await ctx.output.close();
  assert.is(result.state, 'succeeded', result.message ?? '');
  assert.ok(existsSync(marker));
  assert.is(ctx.output.text(), 'ran\n', 'the step reads an empty stdin (cat ends at once) and writes as usual');
});

test('stopped before its group was guarded: the command never runs', async () => {
  const marker = path.join(tempDir(), 'gate-never');
  const controller = new AbortController();
  const ctx = context(() => new Promise(() => {}), controller.signal);
  const running = runShellStep(step(`touch '${marker}'`), ctx);
  await sleep(300);
  controller.abort(new Error('kill requested'));
  const result = await running;
  assert.is(result.state, 'killed');
  await sleep(300);
  assert.not.ok(existsSync(marker));
});

test('an agent SIGKILLed between starting the step and guarding it: the command never runs', async () => {
  const marker = path.join(tempDir(), 'gate-agent-died');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'die-while-guarding.ts'), marker], { stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const signal = await new Promise<string | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
  assert.is(signal, 'SIGKILL', 'the fixture died as planned');
  const pgid = Number(printed.trim());
  assert.ok(pgid > 1, `the step's group was started (${printed.trim()})`);
  await sleep(1500);
  assert.not.ok(existsSync(marker), 'the step ran although its agent died before guarding it');
  assert.not.ok(groupAlive(pgid), 'nothing of the step is left');
});

test.run();
