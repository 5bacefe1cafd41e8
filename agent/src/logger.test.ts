import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, redactUrl, type LogFormat, type LogLevel } from './logger.ts';

function capture(format: LogFormat, level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ format, level, write: (line) => lines.push(line), now: () => new Date('2026-11-29T01:02:03.004Z') });
  return { lines, logger };
}

test('json: one object per line with time, level, message and the bound fields of every ancestor', () => {
  const { lines, logger } = capture('json', 'info');
  const run = logger.child({ agent: 'a1' }).child({ run: 7, job: 'nightly' });
  run.child({ step: 'load' }).info('step started', { attempt: 2, missing: undefined, error: new Error('boom') });
  assert.is(lines.length, 1);
  assert.ok(lines[0].endsWith('\n'));
  assert.equal(JSON.parse(lines[0]), { time: '2026-11-29T01:02:03.004Z', level: 'info', msg: 'step started', agent: 'a1', run: 7, job: 'nightly', step: 'load', attempt: 2, error: 'boom' });
  // A child's fields do not leak into its parent.
  run.warn('run warning');
  assert.equal(JSON.parse(lines[1]), { time: '2026-11-29T01:02:03.004Z', level: 'warn', msg: 'run warning', agent: 'a1', run: 7, job: 'nightly' });
});

test('levels below the configured one are dropped, for children too', () => {
  const { lines, logger } = capture('json', 'warn');
  const child = logger.child({ run: 1 });
  child.debug('d');
  child.info('i');
  child.warn('w');
  child.error('e');
  assert.equal(lines.map((l) => JSON.parse(l).msg), ['w', 'e']);
});

test('text: key=value pairs, values with spaces or quotes quoted', () => {
  const { lines, logger } = capture('text', 'debug');
  logger.child({ agent: 'a1' }).debug('claimed', { runs: 3, message: 'exit code 3 "bad"' });
  assert.is(lines[0], `2026-11-29T01:02:03.004Z DEBUG claimed agent=a1 runs=3 message=${JSON.stringify('exit code 3 "bad"')}\n`);
});

test('redactUrl hides a password and keeps the rest', () => {
  assert.is(redactUrl('postgres://agent:s3cret@db.example:5432/jobs'), 'postgres://agent:***@db.example:5432/jobs');
  assert.is(redactUrl('postgres://agent@db.example/jobs'), 'postgres://agent@db.example/jobs');
});

test.run();
