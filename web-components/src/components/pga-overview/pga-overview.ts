import { css, html, LitElement, nothing, svg } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles, STATE_COLOURS } from '../../styles/shared-styles.ts';
import { durationBetween, formatDuration, formatInstant, formatRelative } from '../../time-format.ts';
import '../pga-state-badge/pga-state-badge.ts';

/** What pgautomator.overview() returns (docs/api.md, overview): the one read of this screen. */
export interface OverviewDoc {
  at: string;
  hours: Array<{ hour: string; runs: Record<string, number> }>;
  now: { running: number; queued: number; jobs: number; jobs_enabled: number };
  failing: Array<{ job: string; run_id: number; state: string; finished_at: string; message: string | null }>;
  failing_count: number;
  late: Array<{ job: string; kind: 'queued' | 'unclaimed'; run_id: number | null; schedule: string | null; due_at: string }>;
  agents: Array<{
    name: string;
    host: string | null;
    state: string;
    alive: boolean;
    last_heartbeat_at: string | null;
    max_concurrent: number;
    runs: Array<{ run_id: number; job: string; started_at: string; step: string | null }>;
  }>;
  next_fires: Array<{ job: string; schedule: string; at: string }>;
}

/** Bottom to top in each hour's bar: outcomes first, then what people or policies decided. */
const CHART_STATES = ['succeeded', 'failed', 'timed_out', 'abandoned', 'killed', 'cancelled', 'skipped'] as const;
const EVENTS = new Set(['run_queued', 'run_started', 'run_finished', 'kill', 'schedule_changed', 'agent_online', 'agent_offline']);
const CHART = { width: 720, height: 150, gap: 4 };

const words = (state: string) => state.replace(/_/g, ' ');
/** `3 succeeded, 1 failed` of one hour's (or the day's) counts, in chart order. */
function countsInWords(runs: Record<string, number>): string {
  const parts = CHART_STATES.filter((s) => runs[s]).map((s) => `${runs[s]} ${words(s)}`);
  return parts.length ? parts.join(', ') : 'no runs';
}

/**
 * The first screen of the console: runs of the last 24 hours by state per hour (a stacked bar
 * chart), failing and late jobs, agents and what each runs now, and the next fires ahead. One
 * call of pgautomator.overview(); live: reloads (debounced) on run, schedule and agent events.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @fires pga-job-open - {name} to open a job (failing, late, next fires)
 * @fires pga-run-open - {runId} to open a run (a failing job's last run, a running run)
 * @csspart chart - the SVG chart of the runs by hour
 */
export class PgaOverview extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    doc: { state: true },
  };
  declare gatewayUrl: string;
  declare doc: OverviewDoc | null;

  static override styles = [
    sharedStyles,
    css`
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); gap: 12px; }
      .wide { grid-column: 1 / -1; }
      section.card h3 { font-size: 1rem; margin: 0 0 8px; display: flex; gap: 8px; align-items: baseline; }
      .figures { display: flex; flex-wrap: wrap; gap: 8px 20px; margin-bottom: 12px; }
      .figure { display: flex; flex-direction: column; }
      .figure b { font-size: 22px; }
      /* The bars stretch to the card's width at a fixed height; the hour labels are HTML below, so
         their text keeps its size at any width (SVG text would scale with the bars). */
      svg { display: block; width: 100%; height: 150px; border-bottom: 1px solid var(--_line); }
      .hours { display: grid; grid-template-columns: repeat(24, 1fr); font-size: 11px; color: var(--_muted); white-space: nowrap; }
      .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin-top: 6px; list-style: none; padding: 0; }
      .legend li { display: inline-flex; align-items: center; gap: 5px; }
      .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
      ul.items { list-style: none; margin: 0; padding: 0; }
      ul.items > li { padding: 6px 0; border-bottom: 1px solid var(--_line); display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
      ul.items > li:last-child { border-bottom: none; }
      .link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; font-weight: 600; text-align: left; overflow-wrap: anywhere; }
      .msg { flex-basis: 100%; font-size: 12px; color: var(--_muted); overflow-wrap: anywhere; }
      .runs { flex-basis: 100%; margin: 0; padding-left: 16px; font-size: 13px; }
      .empty { color: var(--_muted); }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e: GatewayEvent) => {
      if (EVENTS.has(e.event)) this.gateway.reloadSoon(() => void this.load(), 300);
    },
  });
  private readonly clock = new ClockController(this, 1000);

  constructor() {
    super();
    this.gatewayUrl = '';
    this.doc = null;
  }

  /** Reloads the overview (one call; only the latest load is shown: GatewayController.latest). */
  async load(): Promise<void> {
    const doc = await this.gateway.latest('overview', () => this.gateway.run((c) => c.read<OverviewDoc>('overview')));
    if (doc) this.doc = doc;
  }

  private renderChart(doc: OverviewDoc) {
    const { width, height, gap } = CHART;
    const totals = doc.hours.map((h) => CHART_STATES.reduce((n, s) => n + (h.runs[s] ?? 0), 0));
    const max = Math.max(1, ...totals);
    const slot = width / Math.max(1, doc.hours.length);
    const plot = height;
    const day: Record<string, number> = {};
    for (const h of doc.hours) for (const s of CHART_STATES) day[s] = (day[s] ?? 0) + (h.runs[s] ?? 0);
    const hourLabel = (iso: string) => formatInstant(iso).slice(11, 16);
    return html`<svg part="chart" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="Runs in the last 24 hours by hour: ${countsInWords(day)}; at most ${max} in one hour">
        ${doc.hours.map((h, i) => {
          let y = plot;
          const x = i * slot + gap / 2;
          return svg`<g data-hour=${h.hour}><title>${hourLabel(h.hour)}: ${countsInWords(h.runs)}</title>
            <rect x=${x} y="0" width=${slot - gap} height=${plot} fill="transparent"></rect>
            ${CHART_STATES.filter((s) => h.runs[s]).map((s) => {
              const bar = (h.runs[s] / max) * plot;
              y -= bar;
              return svg`<rect class="seg" data-state=${s} x=${x} y=${y} width=${slot - gap} height=${Math.max(bar, 1)} fill=${STATE_COLOURS[s]}></rect>`;
            })}
            </g>`;
        })}
      </svg>
      <div class="hours" aria-hidden="true">${doc.hours.map((h, i) => html`<span>${i % 3 === 0 ? hourLabel(h.hour) : ''}</span>`)}</div>
      <ul class="legend" aria-label="Runs in the last 24 hours">${CHART_STATES.filter((s) => day[s] || s === 'succeeded' || s === 'failed').map(
        (s) => html`<li><span class="swatch" style="background:${STATE_COLOURS[s]}"></span>${day[s] ?? 0} ${words(s)}</li>`,
      )}</ul>`;
  }

  private jobLink(name: string) {
    return html`<button class="link" @click=${() => emit(this, 'pga-job-open', { name })}>${name}</button>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const doc = this.doc;
    const error = this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing;
    if (!doc) return html`<h2>Overview</h2>${error}<p class="muted">Loading…</p>`;
    const now = this.clock.now;
    const alive = doc.agents.filter((a) => a.alive).length;
    return html`<div class="toolbar"><h2 style="margin:0">Overview</h2><span class="spacer"></span>
        <span class="muted">as of ${formatInstant(doc.at)}</span><button @click=${() => void this.load()}>Refresh</button></div>
      ${error}
      <div class="figures" aria-label="Now">
        <span class="figure"><b>${doc.now.running}</b><span class="muted">running</span></span>
        <span class="figure"><b>${doc.now.queued}</b><span class="muted">queued</span></span>
        <span class="figure"><b>${doc.failing_count}</b><span class="muted">failing jobs</span></span>
        <span class="figure"><b>${doc.late.length}</b><span class="muted">late</span></span>
        <span class="figure"><b>${alive} / ${doc.agents.length}</b><span class="muted">agents alive</span></span>
        <span class="figure"><b>${doc.now.jobs_enabled} / ${doc.now.jobs}</b><span class="muted">jobs enabled</span></span>
      </div>
      <div class="grid">
        <section class="card wide" aria-labelledby="ov-runs"><h3 id="ov-runs">Runs, last 24 hours</h3>${this.renderChart(doc)}</section>
        <section class="card" aria-labelledby="ov-failing" data-part="failing"><h3 id="ov-failing">Failing jobs <span class="muted">${doc.failing_count}</span></h3>
          ${doc.failing.length === 0 ? html`<p class="empty">No job's last run failed.</p>` : html`<ul class="items">${doc.failing.map(
            (f) => html`<li data-job=${f.job}>${this.jobLink(f.job)}
              <button class="link" @click=${() => emit(this, 'pga-run-open', { runId: f.run_id })} aria-label="Run ${f.run_id} of ${f.job}: ${words(f.state)}"><pga-state-badge state=${f.state}></pga-state-badge></button>
              <span class="muted" title=${formatInstant(f.finished_at)}>${formatRelative(f.finished_at, now)}</span>
              ${f.message ? html`<span class="msg">${f.message}</span>` : nothing}</li>`,
          )}</ul>`}
          ${doc.failing_count > doc.failing.length ? html`<p class="muted">and ${doc.failing_count - doc.failing.length} more.</p>` : nothing}
        </section>
        <section class="card" aria-labelledby="ov-late" data-part="late"><h3 id="ov-late">Late <span class="muted">${doc.late.length}</span></h3>
          ${doc.late.length === 0 ? html`<p class="empty">Nothing is late.</p>` : html`<ul class="items">${doc.late.map(
            (l) => html`<li data-job=${l.job}>${this.jobLink(l.job)}
              <span class="muted">${l.kind === 'queued' ? `run ${l.run_id} queued, no agent took it` : `fire of ${l.schedule} not claimed by any agent`}</span>
              <span title=${formatInstant(l.due_at)}>due ${formatRelative(l.due_at, now)}</span></li>`,
          )}</ul>`}
        </section>
        <section class="card" aria-labelledby="ov-agents" data-part="agents"><h3 id="ov-agents">Agents <span class="muted">${alive} alive</span></h3>
          ${doc.agents.length === 0 ? html`<p class="empty">No agent has registered yet: nothing runs.</p>` : html`<ul class="items">${doc.agents.map(
            (a) => html`<li data-agent=${a.name}><strong>${a.name}</strong>
              <pga-state-badge state=${a.alive ? a.state : a.state === 'offline' ? 'offline' : 'silent'}></pga-state-badge>
              <span class="muted">${a.runs.length} of ${a.max_concurrent} slots${a.host ? ` · ${a.host}` : ''}</span>
              ${a.runs.length ? html`<ul class="runs">${a.runs.map(
                (r) => html`<li><button class="link" @click=${() => emit(this, 'pga-run-open', { runId: r.run_id })}>${r.job}</button>
                  <span class="muted">${r.step ? `at ${r.step} · ` : ''}${formatDuration(durationBetween(r.started_at, null, now))}</span></li>`,
              )}</ul>` : nothing}</li>`,
          )}</ul>`}
        </section>
        <section class="card" aria-labelledby="ov-next" data-part="next"><h3 id="ov-next">Next fires</h3>
          ${doc.next_fires.length === 0 ? html`<p class="empty">No schedule will fire.</p>` : html`<ul class="items">${doc.next_fires.map(
            (n) => html`<li data-job=${n.job}><span title=${formatInstant(n.at)}>${formatInstant(n.at)}</span>${this.jobLink(n.job)}
              <span class="muted">${n.schedule} · ${formatRelative(n.at, now)}</span></li>`,
          )}</ul>`}
        </section>
      </div>`;
  }
}
define('pga-overview', PgaOverview);

declare global {
  interface HTMLElementTagNameMap {
    'pga-overview': PgaOverview;
  }
}
