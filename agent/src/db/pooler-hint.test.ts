import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { poolerHint } from './pooler-hint.ts';

test('PgBouncer refusals get a hint naming the cause', () => {
  assert.match(poolerHint(Object.assign(new Error('unsupported startup parameter: options'), { code: '08P01' }))!, 'ignore_startup_parameters');
  assert.match(poolerHint(new Error('no such database: pgat'))!, '[databases]');
  assert.match(poolerHint(new Error('pgbouncer cannot connect to server'))!, 'cannot reach PostgreSQL');
  assert.match(poolerHint(new Error('query_wait_timeout'))!, 'default_pool_size');
});

test('other failures get none', () => {
  assert.is(poolerHint(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), undefined);
  assert.is(poolerHint(null), undefined);
});

test.run();
