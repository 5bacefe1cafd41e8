/**
 * Every command answers --help with its usage on stdout and exit code 0; the command list,
 * --version, and the exits for no or an unknown command.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, runCli } from './support/cli.ts';

const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const commands = ['install', 'upgrade', 'status', 'start', 'agent', 'ui', 'script-job'];

test('pgautomator --help lists every command and exits 0', async () => {
  const result = await runCli(['--help']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /^pgautomator \d+\.\d+\.\d+/);
  assert.match(result.stdout, /Usage: pgautomator <command>/);
  for (const command of commands) assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'), `${command} is listed`);
});

for (const command of commands) {
  test(`pgautomator ${command} --help prints its usage and exits 0`, async () => {
    const result = await runCli([command, '--help']);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: pgautomator/);
    assert.match(result.stdout, command === 'agent' || command === 'ui' ? /--database-url/ : new RegExp(`pgautomator ${command}`));
    assert.is(result.stderr, '');
  });
}

test('-h works like --help', async () => {
  const result = await runCli(['status', '-h']);
  assert.is(result.code, 0);
  assert.match(result.stdout, /--json/);
});

test('--version prints the package version', async () => {
  const result = await runCli(['--version']);
  assert.is(result.code, 0);
  assert.is(result.stdout.trim(), version);
});

test('no command prints the usage and exits 2; an unknown one says so and exits 2', async () => {
  const none = await runCli([]);
  assert.is(none.code, 2);
  assert.match(none.stdout, /Usage: pgautomator <command>/);
  const unknown = await runCli(['instal']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "instal"/);
  assert.match(unknown.stderr, /pgautomator --help/);
});

test('an unknown option is a usage error (exit 2) pointing at the command help', async () => {
  const result = await runCli(['status', '--databse-url', 'x']);
  assert.is(result.code, 2);
  assert.match(result.stderr, /Unknown option '--databse-url'/);
  assert.match(result.stderr, /pgautomator status --help/);
});

test('a missing --database-url is a usage error that shows the expected form', async () => {
  const result = await runCli(['install']);
  assert.is(result.code, 2);
  assert.match(result.stderr, /--database-url is required/);
  assert.match(result.stderr, /postgres:\/\//);
});

test.run();
