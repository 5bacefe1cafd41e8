/**
 * The metric families of the scheduler, from one call of pgautomator.metrics() (granted to
 * viewers): what the gateway's GET /metrics serves. The payload's shape is documented on the SQL
 * function (docs/api.md); names follow Prometheus conventions (base units, _seconds).
 */
import type { MetricFamily } from './prometheus-text.ts';

interface Histogram {
  bounds: number[];
  buckets: number[];
  count: number;
  sum: number;
}
export interface MetricsPayload {
  /** [job, state, count] per job and final state: counters, never lowered by retention. */
  runs: Array<[string, string, number]>;
  duration_seconds: Histogram;
  lateness_seconds: Histogram;
  queued: number;
  running: number;
  agents_online: number;
  outbox_pending: number;
  alerts_open: number;
}

const histogram = (name: string, help: string, h: Histogram): MetricFamily => ({
  name, help, type: 'histogram', bounds: h.bounds.map(Number), cumulative: h.buckets.map(Number), count: Number(h.count), sum: Number(h.sum),
});
const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value: Number(value) }] });

export function schedulerMetrics(m: MetricsPayload): MetricFamily[] {
  return [
    {
      name: 'pgautomator_runs_finished',
      // A counter since issue 17 (run_count: counted as runs end, never lowered by retention), so
      // rate() and increase() apply. The name stays as it was (no _total suffix) so that existing
      // dashboards and alerts keep their series.
      help: 'Runs that reached a final state, by job and state, since the job was created (retention does not lower it).',
      type: 'counter',
      samples: m.runs.map(([job, state, count]) => ({ labels: { job, state }, value: Number(count) })),
    },
    histogram('pgautomator_run_duration_seconds', 'Duration of the runs that started and ended (started to finished), counted as they end.', m.duration_seconds),
    histogram('pgautomator_run_lateness_seconds', 'How late those runs started (started_at - scheduled_for), counted as they end.', m.lateness_seconds),
    gauge('pgautomator_runs_queued', 'Runs queued now (waiting for an agent).', m.queued),
    gauge('pgautomator_runs_running', 'Runs running now.', m.running),
    gauge('pgautomator_agents_online', 'Agents heard from within their dead_after.', m.agents_online),
    gauge('pgautomator_mail_outbox_pending', 'Mail in the outbox not sent yet.', m.outbox_pending),
    gauge('pgautomator_alerts_open', 'Open alerts (freshness, duration, and no_agent while no agent is online).', m.alerts_open),
  ];
}
