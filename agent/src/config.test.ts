import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHelp } from './cli.ts';
import { ConfigError, loadConfig, optionSpecs } from './config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-config-'));
const url = 'postgres://agent@db.example.com/jobs';

function configFile(content: unknown): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function error(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  assert.unreachable('expected a ConfigError');
  throw new Error('unreachable');
}

test('defaults apply when only the database URL is given', () => {
  const c = loadConfig({ flags: { 'database-url': url }, env: {} });
  assert.is(c.databaseUrl, url);
  assert.is(c.maxConcurrent, 4);
  assert.is(c.heartbeatInterval, 10);
  assert.is(c.drainTimeout, 60);
  assert.is(c.logFormat, 'text');
  assert.equal(c.tags, []);
  assert.ok(c.name.length > 0);
  assert.ok(c.spoolFile.endsWith(`agent-${c.name}.spool`));
});

test('flags win over environment, which wins over the config file', () => {
  const file = configFile({ 'database-url': url, 'max-concurrent': 7, tags: ['a', 'b'], name: 'from-file', heartbeatInterval: 3 });
  const env = { PGAUTOMATOR_MAX_CONCURRENT: '9', PGAUTOMATOR_AGENT_NAME: 'from-env' };
  const c = loadConfig({ flags: { config: file, name: 'from-flag' }, env });
  assert.is(c.name, 'from-flag');
  assert.is(c.maxConcurrent, 9);
  assert.equal(c.tags, ['a', 'b']);
  assert.is(c.heartbeatInterval, 3);
  assert.is(c.databaseUrl, url);
  const d = loadConfig({ flags: { config: file }, env: {} });
  assert.is(d.name, 'from-file');
  assert.is(d.maxConcurrent, 7);
  assert.ok(d.spoolFile.endsWith('agent-from-file.spool'), 'the spool default follows the name');
});

test('PGAUTOMATOR_CONFIG names the file; DATABASE_URL stands in for the URL', () => {
  const file = configFile({ tags: 'x, y' });
  const c = loadConfig({ env: { PGAUTOMATOR_CONFIG: file, DATABASE_URL: url } });
  assert.equal(c.tags, ['x', 'y']);
  assert.is(c.databaseUrl, url);
});

test('several hosts (URL or key=value form) are a valid database URL', () => {
  for (const databaseUrl of ['postgresql://agent@h1:5432,h2:5433/jobs?target_session_attrs=read-write', 'host=h1,h2 port=5432 dbname=jobs user=agent', 'postgres://agent@[::1]:5432/jobs']) {
    assert.is(loadConfig({ flags: { 'database-url': databaseUrl }, env: {} }).databaseUrl, databaseUrl);
  }
});

test('errors name the option and where the value came from', () => {
  let e = error(() => loadConfig({ env: {} }));
  assert.is(e.option, 'database-url');
  assert.match(e.message, /--database-url is required/);
  e = error(() => loadConfig({ flags: { 'database-url': url, 'max-concurrent': 'many' }, env: {} }));
  assert.is(e.option, 'max-concurrent');
  assert.match(e.message, /--max-concurrent \(from the command line\) must be an integer, got "many"/);
  e = error(() => loadConfig({ flags: { 'database-url': url }, env: { PGAUTOMATOR_HEARTBEAT_INTERVAL: '0' } }));
  assert.match(e.message, /--heartbeat-interval \(from PGAUTOMATOR_HEARTBEAT_INTERVAL\) must be between 1 and 3600/);
  e = error(() => loadConfig({ flags: { 'database-url': url, 'log-format': 'xml' }, env: {} }));
  assert.match(e.message, /must be one of text, json/);
  e = error(() => loadConfig({ flags: { 'database-url': url, name: 'bad name' }, env: {} }));
  assert.is(e.option, 'name');
  e = error(() => loadConfig({ flags: { 'database-url': 'mysql://x' }, env: {} }));
  assert.is(e.option, 'database-url');
  e = error(() => loadConfig({ flags: { 'database-url': 'postgres://a:s3cret@h1,h2/db?target_session_attrs=master' }, env: {} }));
  assert.is(e.option, 'database-url');
  assert.match(e.message, /target_session_attrs="master" is not one of/);
  assert.not.match(e.message, /s3cret/);
  const file = configFile({ 'database-url': url, 'max-concurent': 3 });
  e = error(() => loadConfig({ flags: { config: file }, env: {} }));
  assert.is(e.option, 'max-concurent');
  assert.match(e.message, /unknown option "max-concurent"/);
  e = error(() => loadConfig({ flags: { config: configFile('{not json') }, env: {} }));
  assert.match(e.message, /not valid JSON/);
  e = error(() => loadConfig({ flags: { config: file + '.missing' }, env: {} }));
  assert.match(e.message, /cannot read the config file/);
  e = error(() => loadConfig({ flags: { 'database-url': url, 'reconnect-min': '5', 'reconnect-max': '1' }, env: {} }));
  assert.is(e.option, 'reconnect-max');
});

test('--help lists every option with its default and environment variable', () => {
  for (const spec of optionSpecs) {
    assert.ok(agentHelp.includes(`--${spec.flag}`), spec.flag);
    assert.ok(agentHelp.includes(`env ${spec.env}`), spec.env);
  }
  assert.match(agentHelp, /default: 4; env PGAUTOMATOR_MAX_CONCURRENT/);
  assert.match(agentHelp, /--config <file>/);
});

test('docs/agent.md documents every option with its environment variable', () => {
  const doc = readFileSync(new URL('../../docs/agent.md', import.meta.url), 'utf8');
  for (const spec of optionSpecs) {
    assert.ok(doc.includes(`\`--${spec.flag}\``), `--${spec.flag} missing from docs/agent.md`);
    assert.ok(doc.includes(`\`${spec.env}\``), `${spec.env} missing from docs/agent.md`);
  }
});

test.run();
