/**
 * GET /metrics: the scheduler's metrics in the Prometheus text format, computed by one call of
 * pgautomator.metrics() as the logged-in role (a viewer is enough), like GET /rpc/metrics. A
 * scraper authenticates as any caller does (a session cookie, or the trusted header of an
 * authenticating proxy); docs/metrics.md.
 */
import type { ServerResponse } from 'node:http';
import { createApi } from '../client/index.ts';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from '../client/prometheus-text.ts';
import { schedulerMetrics, type MetricsPayload } from '../client/scheduler-metrics.ts';
import { HttpError } from './http.ts';
import type { Caller } from './identity.ts';

export async function handleMetrics(method: string | undefined, res: ServerResponse, caller: Caller | undefined): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    throw new HttpError(405, 'method_not_allowed', 'use GET');
  }
  if (!caller) throw new HttpError(401, 'login_required', 'log in first (POST /auth/login), or scrape through the trusted-header proxy');
  const payload = (await caller.run((db) => createApi(db).metrics())) as unknown as MetricsPayload;
  const text = prometheusText(schedulerMetrics(payload));
  res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : text);
}
