/**
 * The agent's optional GET /metrics (--metrics-port): its own state in the Prometheus text
 * format, read from memory, no database call (the agent's role may call only the agent protocol;
 * the scheduler's metrics come from the gateway's GET /metrics). It answers while the database is
 * away, which is when it matters most.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE, prometheusText, type MetricFamily } from '../../client/prometheus-text.ts';
import { SCRAPE_CHALLENGE, bearerToken, sameScrapeToken } from '../../client/scrape-token.ts';

export interface AgentMetricsSource {
  name: string;
  version: string;
  maxConcurrent: number;
  runsExecuting(): number;
  databaseReachable(): boolean;
  spooledResults(): number;
  runsStarted(): number;
}

export function agentMetrics(s: AgentMetricsSource): MetricFamily[] {
  const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] });
  return [
    { name: 'pgautomator_agent_info', help: 'The agent (value 1), by name and version.', type: 'gauge', samples: [{ labels: { agent: s.name, version: s.version }, value: 1 }] },
    gauge('pgautomator_agent_runs_executing', 'Runs this agent executes now.', s.runsExecuting()),
    gauge('pgautomator_agent_max_concurrent', 'Runs this agent executes at most at once (--max-concurrent).', s.maxConcurrent),
    gauge('pgautomator_agent_database_reachable', '1 while the central database answers, 0 while results are spooled.', s.databaseReachable() ? 1 : 0),
    gauge('pgautomator_agent_spooled_results', 'Results kept in the spool file until the database is back.', s.spooledResults()),
    { name: 'pgautomator_agent_runs_started_total', help: 'Runs this agent process has started.', type: 'counter', samples: [{ value: s.runsStarted() }] },
  ];
}

/** token: the bearer token every scrape must carry (--metrics-token-file); undefined: none asked. */
export async function startMetricsServer(port: number, host: string, token: string | undefined, source: AgentMetricsSource): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent.invalid').pathname;
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain' }).end('use GET\n');
      return;
    }
    if (token !== undefined) {
      const presented = bearerToken(req.headers.authorization);
      if (presented === undefined || !sameScrapeToken(presented, token)) {
        res.writeHead(401, { ...SCRAPE_CHALLENGE, 'Content-Type': 'text/plain' })
          .end(`${presented === undefined ? 'send Authorization: Bearer <the token of --metrics-token-file>' : 'wrong bearer token (--metrics-token-file)'}\n`);
        return;
      }
    }
    res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : prometheusText(agentMetrics(source)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
