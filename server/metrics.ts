/**
 * GET /metrics: the scheduler's metrics in the Prometheus text format, computed by one call of
 * pgautomator.metrics() (a viewer is enough), like GET /rpc/metrics. A scraper authenticates as any
 * caller does (a session cookie, or the trusted header of an authenticating proxy), or, when the
 * gateway has --metrics-token-file, with `Authorization: Bearer <token>`: then the call runs as the
 * gateway's own role (--database-url's), which must be granted pgautomator_viewer; docs/metrics.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApi, type Queryable } from '../client/index.ts';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from '../client/prometheus-text.ts';
import { schedulerMetrics, type MetricsPayload } from '../client/scheduler-metrics.ts';
import { SCRAPE_CHALLENGE, bearerToken, sameScrapeToken } from '../client/scrape-token.ts';
import { HttpError } from './http.ts';
import type { Caller } from './identity.ts';

export interface ScrapeAccess {
  /** The token of --metrics-token-file; undefined: no token, scrapers log in like anyone. */
  token: string | undefined;
  /** Runs `work` on a backend of the gateway's own role: what a scraper holding the token gets. */
  runAsGateway<T>(work: (db: Queryable) => Promise<T>): Promise<T>;
}

export async function handleMetrics(req: IncomingMessage, res: ServerResponse, caller: Caller | undefined, access: ScrapeAccess): Promise<void> {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    throw new HttpError(405, 'method_not_allowed', 'use GET');
  }
  let run: ScrapeAccess['runAsGateway'];
  const presented = access.token === undefined ? undefined : bearerToken(req.headers.authorization);
  if (presented !== undefined) {
    // A wrong token is refused even alongside a session: the scraper is misconfigured, say so.
    if (!sameScrapeToken(presented, access.token!)) throw new HttpError(401, 'invalid_token', 'wrong bearer token for GET /metrics (--metrics-token-file)', SCRAPE_CHALLENGE);
    run = access.runAsGateway;
  } else if (caller) {
    run = (work) => caller.run(work);
  } else if (access.token !== undefined) {
    throw new HttpError(401, 'login_required', 'send Authorization: Bearer <the token of --metrics-token-file>, or log in first (POST /auth/login)', SCRAPE_CHALLENGE);
  } else {
    throw new HttpError(401, 'login_required', 'log in first (POST /auth/login), or scrape through the trusted-header proxy');
  }
  const payload = (await run((db) => createApi(db).metrics())) as unknown as MetricsPayload;
  const text = prometheusText(schedulerMetrics(payload));
  res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : text);
}
