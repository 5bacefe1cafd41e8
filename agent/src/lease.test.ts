import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lease, leaseLostMessage, type LeaseExpiry } from './lease.ts';
import { leaseSeconds } from './protocol.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a renewal counts from when its call was sent; expiry is reported once, by the timer', async () => {
  const expired: LeaseExpiry[] = [];
  const lease = new Lease((e) => expired.push(e));
  const sentAt = Lease.now() - 100; // the call went out 100 ms ago
  const left = lease.renew(sentAt, 0.3);
  assert.ok(left > 150 && left <= 200, `${left} ms left`);
  assert.ok(lease.check());
  await pause(260);
  assert.is(expired.length, 1);
  assert.is(lease.check(), false);
  assert.is(expired.length, 1, 'reported once per expiry');
  assert.ok(expired[0].silentS >= 0.3 && expired[0].leaseS === 0.3);
});

test('an answer that comes after the lease ran out renews nothing', () => {
  const expired: LeaseExpiry[] = [];
  const lease = new Lease((e) => expired.push(e));
  assert.is(lease.renew(Lease.now() - 5_000, 3), 0);
  assert.is(expired.length, 1);
  assert.ok(lease.renew(Lease.now(), 3) > 2_900, 'a fresh renewal holds again');
  lease.release();
});

test('check() notices an expiry before the timer does (a process resumed from SIGSTOP)', () => {
  const expired: LeaseExpiry[] = [];
  const lease = new Lease((e) => expired.push(e));
  lease.renew(Lease.now(), 0.05);
  const until = Date.now() + 80;
  while (Date.now() < until); // a blocked event loop: no timer can run
  assert.is(lease.check(), false);
  assert.is(expired.length, 1);
});

test('no lease, no expiry; the lease defaults to 3 heartbeat intervals', () => {
  const lease = new Lease(() => assert.unreachable('no lease to expire'));
  assert.ok(lease.check());
  assert.is(lease.remainingMs(), Infinity);
  assert.is(leaseSeconds({ lease: null }, 10), 30);
  assert.is(leaseSeconds({ lease: 12 }, 10), 12);
  assert.match(leaseLostMessage({ silentS: 31.2, leaseS: 30 }), /lost its lease: no contact with the database for 31.2 s/);
});

test.run();
