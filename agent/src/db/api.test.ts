import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NoSuitableServerError } from '../../../client/multi-host-connection.ts';
import { isUnreachable } from './api.ts';
import { CallDeadlineError } from './call-deadline.ts';

test('unreachable: the server is not there, or is not the primary (a standby answers 25006)', () => {
  const server = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });
  for (const code of ['08006', '57P01', '57P03', '53300', '25006']) assert.ok(isUnreachable(server(code)), code);
  for (const code of ['PA030', '23505', '42501', '22023']) assert.not.ok(isUnreachable(server(code)), code);
  assert.ok(isUnreachable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })));
  assert.ok(isUnreachable(new CallDeadlineError(5000)));
  // Every host refused or was a standby: 08001, retry later.
  assert.ok(isUnreachable(new NoSuitableServerError('read-write', [{ host: { host: 'h2', port: 5432 }, reason: 'h2:5432 is a standby (read-only)' }])));
});

test.run();
