/**
 * Does LISTEN work on this connection? Behind a pooler in transaction (or statement) pooling it
 * silently does not: LISTEN runs on whichever server connection the pooler lends for that one
 * transaction, which then serves other clients, and notifications either reach one of them or are
 * dropped. Nothing errors; the listener just never hears anything. The agent and the gateway
 * check it when they start listening: another session NOTIFYs a channel private to this
 * listener, and the notification must arrive within a bound.
 *
 * Why another session, not a NOTIFY sent on the listening connection itself: in transaction
 * pooling that NOTIFY may run on the very server connection that ran LISTEN (PgBouncer reuses the
 * last one first), which delivers its own notification to whoever holds it at that moment, the
 * sender. The listener would hear it and the check would pass although nothing else ever arrives.
 * From a separate session, the notification reaches the listener only if the listener holds the
 * server connection that LISTENed: a session of its own, which is what LISTEN needs.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** What to do when the check fails; the agent logs it, the gateway's /healthz shows it. */
export const listenUnavailableHint =
  'LISTEN needs a session of its own: through a pooler in transaction pooling (PgBouncer pool_mode = transaction) it receives nothing. ' +
  'Give --listen-url (PGAUTOMATOR_LISTEN_URL) a URL that reaches the server directly or through session pooling; see docs/poolers.md';

/** A channel for this listener's checks alone (the name is ours: letters, digits, _). */
export function checkChannel(): string {
  return `pgautomator_check_${randomBytes(8).toString('hex')}`;
}

/** The text that LISTENs on `channels` in one round trip (one transaction, so one server connection even behind a pooler). */
export function listenStatement(channels: string[]): string {
  return channels.map((channel) => `LISTEN ${quoteChannel(channel)}`).join('; ');
}

function quoteChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a channel name of ours: ${JSON.stringify(channel)}`);
  return channel;
}

/**
 * `listener` LISTENs on `channel`; `sender` is a new, unconnected client for the same server
 * (connected, used once and closed here). Resolves to `arrived` once a notification sent by
 * `sender` arrived at `listener`, `lost` when nothing came within `timeoutMs` (LISTEN does not
 * work), `unchecked` when the sender itself failed (the database is away, say). Never rejects.
 */
export type ListenCheck = { result: 'arrived' } | { result: 'lost' | 'unchecked'; problem: string };

export async function notificationsArrive(listener: pg.Client, channel: string, sender: pg.Client, timeoutMs: number): Promise<ListenCheck> {
  const token = randomBytes(8).toString('hex');
  let onNotification: (message: pg.Notification) => void = () => {};
  const arrived = new Promise<true>((resolve) => {
    onNotification = (message) => {
      if (message.channel === channel && message.payload === token) resolve(true);
    };
    listener.on('notification', onNotification);
  });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  sender.on('error', () => {}); // reported through the pending call below
  let sendFailure: string | undefined;
  const sent = (async () => {
    await sender.connect();
    await sender.query({ text: 'SELECT pg_notify($1, $2)', values: [channel, token] });
  })().catch((error: Error) => {
    sendFailure = error.message;
  });
  try {
    const heard = await Promise.race([arrived, expired]);
    if (heard) return { result: 'arrived' };
    await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 0))]);
    if (sendFailure) return { result: 'unchecked', problem: `cannot check LISTEN: the check's NOTIFY failed (${sendFailure})` };
    return { result: 'lost', problem: `a NOTIFY sent from another session did not arrive within ${timeoutMs} ms` };
  } finally {
    clearTimeout(timer);
    listener.off('notification', onNotification);
    // A goodbye on a dead path never completes: wait a moment for it, then drop the socket.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([sender.end().catch(() => {}), new Promise((resolve) => (waited = setTimeout(resolve, 1_000)))]);
    clearTimeout(waited);
    (sender as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}
