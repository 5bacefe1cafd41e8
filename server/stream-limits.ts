/**
 * Caps on `GET /events` streams: each holds a socket and a share of every notification's fan-out,
 * so one session (or one trusted-header role) may hold `perSession` of them and the gateway
 * `total`; beyond either, 429 `too_many_streams`. A session's streams end with the session.
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from './http.ts';

export interface StreamLimitOptions {
  /** Streams one session may hold (default 8: a few tabs of the console). */
  perSession?: number;
  /** Streams of the whole gateway (default 1000). */
  total?: number;
}

export class StreamLimits {
  private readonly byKey = new Map<string, Set<ServerResponse>>();
  private open = 0;
  readonly perSession: number;
  readonly total: number;

  constructor(options: StreamLimitOptions = {}) {
    this.perSession = options.perSession ?? 8;
    this.total = options.total ?? 1000;
  }

  /** Counts `res` for session `key` until it closes, or throws 429. */
  admit(key: string, res: ServerResponse): void {
    const own = this.byKey.get(key) ?? new Set<ServerResponse>();
    if (own.size >= this.perSession) {
      throw new HttpError(429, 'too_many_streams', `this session already holds ${this.perSession} event streams (--max-streams-per-session): close one (another tab?) first`);
    }
    if (this.open >= this.total) {
      throw new HttpError(429, 'too_many_streams', `the gateway already serves ${this.total} event streams (--max-streams): try again later`, { 'Retry-After': '30' });
    }
    own.add(res);
    this.byKey.set(key, own);
    this.open++;
    res.once('close', () => {
      if (!own.delete(res)) return;
      this.open--;
      if (own.size === 0 && this.byKey.get(key) === own) this.byKey.delete(key);
    });
  }

  /** Ends the streams of a session that ended (logout, expiry). */
  endSession(key: string): void {
    const own = this.byKey.get(key);
    if (!own) return;
    for (const res of own) res.end();
  }

  stats(): { open: number; max: number; perSession: number } {
    return { open: this.open, max: this.total, perSession: this.perSession };
  }
}
