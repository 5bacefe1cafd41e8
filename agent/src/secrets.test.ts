import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSecretResolver, SecretError } from './secrets.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-secrets-'));
const file = path.join(dir, 'secrets.json');
writeFileSync(file, JSON.stringify({ DB_PASSWORD: 's3cret-value', NUMBER: 42 }));
chmodSync(file, 0o600);

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, SecretError);
    assert.match((error as Error).message, pattern);
    return (error as Error).message;
  }
  assert.unreachable(`expected a SecretError matching ${pattern}`);
  throw new Error('unreachable');
}

test('env:NAME reads the environment', async () => {
  const secrets = createSecretResolver({ secretsFile: null, env: { SMTP_PW: 'pw' } });
  assert.is(await secrets.resolve('env:SMTP_PW'), 'pw');
  await rejects(secrets.resolve('env:MISSING'), /environment variable MISSING is not set/);
});

test('file:NAME reads the secrets file; the value never appears in errors', async () => {
  const secrets = createSecretResolver({ secretsFile: file, env: {} });
  assert.is(await secrets.resolve('file:DB_PASSWORD'), 's3cret-value');
  const message = await rejects(secrets.resolve('file:NUMBER'), /no string entry "NUMBER"/);
  assert.not.match(message, /s3cret/);
  await rejects(secrets.resolve('file:NOPE'), /no string entry "NOPE"/);
  await rejects(createSecretResolver({ secretsFile: null }).resolve('file:X'), /needs a secrets file/);
  await rejects(secrets.resolve('vault:x'), /not env:NAME or file:NAME/);
});

test('a secrets file readable by group or others is refused (POSIX)', async () => {
  const open = path.join(dir, 'open.json');
  writeFileSync(open, JSON.stringify({ A: 'a' }));
  chmodSync(open, 0o644);
  const secrets = createSecretResolver({ secretsFile: open, env: {} });
  await rejects(secrets.resolve('file:A'), /accessible to group or others \(mode 0644\).*chmod 600/);
  chmodSync(open, 0o640);
  await rejects(secrets.resolve('file:A'), /mode 0640/);
  chmodSync(open, 0o600);
  assert.is(await secrets.resolve('file:A'), 'a');
  // Windows relies on ACLs: the mode bits are not checked there.
  chmodSync(open, 0o644);
  assert.is(await createSecretResolver({ secretsFile: open, env: {}, platform: 'win32' }).resolve('file:A'), 'a');
});

test('a changed secrets file is read again', async () => {
  const rotating = path.join(dir, 'rotating.json');
  writeFileSync(rotating, JSON.stringify({ K: 'one' }), { mode: 0o600 });
  const secrets = createSecretResolver({ secretsFile: rotating, env: {} });
  assert.is(await secrets.resolve('file:K'), 'one');
  writeFileSync(rotating, JSON.stringify({ K: 'second' }));
  assert.is(await secrets.resolve('file:K'), 'second');
});

test.run();
