import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  clientConfigFor,
  ConnectionStringError,
  fits,
  mismatch,
  NoSuitableServerError,
  parseConnectionString,
  redactConnectionString,
  singleHostUrl,
  targetSessionAttrsValues,
  type TargetSessionAttrs,
} from './multi-host-connection.ts';

const error = (text: string): ConnectionStringError => {
  try {
    parseConnectionString(text);
  } catch (e) {
    if (e instanceof ConnectionStringError) return e;
    throw e;
  }
  throw new Error(`${text} parsed`);
};

test('one host: host, port, user, password, database; defaults for what is missing', () => {
  assert.equal(parseConnectionString('postgres://agent:s3cret@db.example:6543/jobs'), {
    hosts: [{ host: 'db.example', port: 6543 }],
    user: 'agent',
    password: 's3cret',
    database: 'jobs',
    targetSessionAttrs: 'any',
    params: {},
  });
  const bare = parseConnectionString('postgresql://db.example');
  assert.equal(bare.hosts, [{ host: 'db.example', port: 5432 }]);
  assert.is(bare.user, undefined);
  assert.is(bare.database, undefined);
  assert.equal(parseConnectionString('postgres:///jobs').hosts, [{ host: 'localhost', port: 5432 }]);
});

test('several hosts, in order, each with its port or the default', () => {
  const c = parseConnectionString('postgresql://u@h1:5432,h2:5433,h3/db?target_session_attrs=read-write');
  assert.equal(c.hosts, [
    { host: 'h1', port: 5432 },
    { host: 'h2', port: 5433 },
    { host: 'h3', port: 5432 },
  ]);
  assert.is(c.targetSessionAttrs, 'read-write');
  assert.equal(parseConnectionString('postgres://h1,h2/db?port=6000').hosts, [
    { host: 'h1', port: 6000 },
    { host: 'h2', port: 6000 },
  ]);
  assert.equal(parseConnectionString('postgres:///db?host=a,b&port=1,2').hosts, [
    { host: 'a', port: 1 },
    { host: 'b', port: 2 },
  ]);
});

test('IPv6 addresses in brackets, unix socket directories percent-encoded', () => {
  assert.equal(parseConnectionString('postgres://u@[::1]:5433,[fe80::1%25eth0],10.0.0.2:5434/db').hosts, [
    { host: '::1', port: 5433 },
    { host: 'fe80::1%25eth0', port: 5432 },
    { host: '10.0.0.2', port: 5434 },
  ]);
  assert.equal(parseConnectionString('postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db').hosts, [{ host: '/var/run/postgresql', port: 5433 }]);
});

test('percent-encoded user, password and database; other parameters kept', () => {
  const c = parseConnectionString('postgres://us%40er:p%40ss%3Aw%2Ford@h/my%20db?sslmode=require&application_name=x+y');
  assert.is(c.user, 'us@er');
  assert.is(c.password, 'p@ss:w/ord');
  assert.is(c.database, 'my db');
  assert.equal(c.params, { sslmode: 'require', application_name: 'x y' });
});

test('key=value form with host and port lists and quoted values', () => {
  const c = parseConnectionString("host=h1,h2 port=5432,5433 user=agent password='it\\'s x' dbname=jobs target_session_attrs=primary connect_timeout=5");
  assert.equal(c.hosts, [
    { host: 'h1', port: 5432 },
    { host: 'h2', port: 5433 },
  ]);
  assert.is(c.user, 'agent');
  assert.is(c.database, 'jobs');
  assert.is(c.targetSessionAttrs, 'primary');
  assert.equal(c.params, { connect_timeout: '5' });
  assert.is(parseConnectionString("password='a b\\'c' host=h").password, "a b'c");
});

test('target_session_attrs: every libpq value, the caller\'s default when absent', () => {
  for (const value of targetSessionAttrsValues) assert.is(parseConnectionString(`postgres://h/db?target_session_attrs=${value}`).targetSessionAttrs, value);
  assert.is(parseConnectionString('postgres://h1,h2/db', { defaultTargetSessionAttrs: 'read-write' }).targetSessionAttrs, 'read-write');
  assert.is(parseConnectionString('postgres://h1,h2/db?target_session_attrs=any', { defaultTargetSessionAttrs: 'read-write' }).targetSessionAttrs, 'any');
});

test('errors name the parameter at fault', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['postgres://h/db?target_session_attrs=writable', 'target_session_attrs', /not one of any, read-write/],
    ['postgres://h:99999/db', 'port', /not a port number/],
    ['postgres://h:abc/db', 'port', /"abc"/],
    ['postgres://h1,h2,h3/db?port=1,2', 'port', /3 host\(s\) but 2 ports/],
    ['postgres://u:%zz@h/db', 'password', /percent-encoding/],
    ['postgres://[::1/db', 'host', /IPv6 address goes in brackets/],
    ['mysql://root@h/db', 'url', /must start with postgres:\/\/ or postgresql:\/\/ \(got mysql:\/\/\.\.\.\)/],
    ['localhost:5432/jobs', 'url', /not a URL/],
    ["host=h password='open", 'password', /unterminated quote/],
    ['postgres://h/db?sslmode', 'sslmode', /has no value/],
  ];
  for (const [text, parameter, message] of cases) {
    const e = error(text);
    assert.is(e.parameter, parameter, text);
    assert.match(e.message, message, text);
    assert.not.match(e.message, /zz|open/, `${text}: the message shows no password`);
  }
});

test('redaction hides the password of either form, several hosts included', () => {
  assert.is(redactConnectionString('postgresql://agent:s3cret@h1:5432,h2:5432/db?target_session_attrs=read-write'), 'postgresql://agent:***@h1:5432,h2:5432/db?target_session_attrs=read-write');
  assert.is(redactConnectionString('postgres://agent:p%40ss@[::1]:5432/db'), 'postgres://agent:***@[::1]:5432/db');
  assert.is(redactConnectionString('postgres://agent@h1,h2/db?password=s3cret&sslmode=require'), 'postgres://agent@h1,h2/db?password=***&sslmode=require');
  assert.is(redactConnectionString("host=h1,h2 password='a b' user=x"), 'host=h1,h2 password=*** user=x');
  assert.is(redactConnectionString('postgres://agent@h/db'), 'postgres://agent@h/db');
  assert.is(redactConnectionString('postgres://agent:p@ss@h1,h2/db'), 'postgres://agent:***@h1,h2/db');
  assert.is(redactConnectionString('postgres://h1:5432,h2:5432/db'), 'postgres://h1:5432,h2:5432/db');
});

test('one host of a multi-host URL becomes a pg config with ssl and the rest kept', () => {
  const c = parseConnectionString('postgres://u:p%40ss@h1:5432,[::1]:5433/db?sslmode=no-verify&application_name=a');
  assert.is(singleHostUrl(c, c.hosts[1]!), 'postgresql://u:p%40ss@[::1]:5433/db?sslmode=no-verify&application_name=a');
  const config = clientConfigFor(c, c.hosts[1]!);
  assert.is(config.host, '::1');
  assert.is(config.port, 5433);
  assert.is(config.password, 'p@ss');
  assert.is(config.database, 'db');
  assert.ok(config.ssl);
  const socket = clientConfigFor(c, { host: '/run/pg', port: 6000 });
  assert.is(socket.host, '/run/pg');
  assert.is(socket.port, 6000);
});

test('which sessions fit which target, and how a standby is named', () => {
  const primary = { inRecovery: false, readOnly: false };
  const standby = { inRecovery: true, readOnly: true };
  const readOnlyPrimary = { inRecovery: false, readOnly: true };
  const table: Array<[TargetSessionAttrs, boolean, boolean, boolean]> = [
    // target, primary, standby, read-only primary
    ['any', true, true, true],
    ['read-write', true, false, false],
    ['read-only', false, true, true],
    ['primary', true, false, true],
    ['standby', false, true, false],
  ];
  for (const [target, p, s, r] of table) {
    assert.is(fits(target, primary), p, `${target} primary`);
    assert.is(fits(target, standby), s, `${target} standby`);
    assert.is(fits(target, readOnlyPrimary), r, `${target} read-only primary`);
  }
  assert.is(mismatch({ host: 'h2', port: 5432 }, 'read-write', standby), 'h2:5432 is a standby (read-only): target_session_attrs=read-write needs a writable primary');
  const none = new NoSuitableServerError('read-write', [
    { host: { host: 'h1', port: 5432 }, reason: 'h1:5432: connect ECONNREFUSED', code: 'ECONNREFUSED' },
    { host: { host: 'h2', port: 5432 }, reason: mismatch({ host: 'h2', port: 5432 }, 'read-write', standby) },
  ]);
  assert.is(none.code, '08001');
  assert.match(none.message, /h1:5432: connect ECONNREFUSED; h2:5432 is a standby \(read-only\)/);
  const wrongPassword = new NoSuitableServerError('any', [
    { host: { host: 'h1', port: 1 }, reason: 'x', code: '28P01' },
    { host: { host: 'h2', port: 1 }, reason: 'y', code: '28P01' },
  ]);
  assert.is(wrongPassword.code, '28P01');
});

test.run();
