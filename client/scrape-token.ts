/**
 * The bearer token of Prometheus scrapers (`--metrics-token-file`, docs/metrics.md): read from a
 * file, never from the command line (where `ps` and shell history show it), and compared in
 * constant time. Shared by the gateway's GET /metrics and the agent's metrics port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A token file that cannot be used (missing, unreadable, empty). */
export class ScrapeTokenError extends Error {
  override name = 'ScrapeTokenError';
}

/** The token in `file`: its content without surrounding whitespace (a trailing newline is usual). */
export function readScrapeToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScrapeTokenError(`--metrics-token-file ${file}: ${(error as Error).message}`);
  }
  const token = text.trim();
  if (!token) throw new ScrapeTokenError(`--metrics-token-file ${file} is empty: put the scrapers' bearer token in it`);
  if (/\s/.test(token)) throw new ScrapeTokenError(`--metrics-token-file ${file}: the token must be one word (no spaces or line breaks inside)`);
  return token;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether `presented` is `expected`, in time that tells nothing of either: both are hashed first,
 * so timingSafeEqual compares equal lengths and not even the token's length leaks.
 */
export function sameScrapeToken(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The WWW-Authenticate header of a refused scrape (RFC 6750). */
export const SCRAPE_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="pgautomator metrics"' } as const;
