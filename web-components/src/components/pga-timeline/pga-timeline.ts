import { css, html, LitElement, nothing, svg } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles, STATE_COLOURS } from '../../styles/shared-styles.ts';
import { formatDuration, formatInstant } from '../../time-format.ts';

interface Bar {
  job: string;
  run_id: number;
  state: string;
  trigger: string;
  agent: string | null;
  scheduled_for: string | null;
  started_at: string;
  finished_at: string | null;
  /** trigger = job: the run whose end started this one (a link is drawn from it). */
  upstream_run_id?: number | null;
}

const ROW = 26;
const LABEL = 170;
const AXIS = 26;
const MIN_BAR = 3;

/** Tick spacing for a span: about 6-12 ticks on round minutes or hours. */
function tickStep(spanMs: number): number {
  const steps = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 3 * 3600_000, 6 * 3600_000, 12 * 3600_000, 86400_000];
  return steps.find((s) => spanMs / s <= 12) ?? 86400_000;
}

/**
 * The runs of the last hours as bars on a time axis, one row per job, coloured by state; running
 * runs grow until now; an arrow joins a run to the run its end started (job triggers) when both
 * are in the window. Bars are focusable: Enter (or a click) opens the run.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr hours - the window in hours, ending now (default 6; fractions allowed)
 * @fires pga-run-open - {runId} when a bar is chosen
 * @csspart chart - the SVG chart
 * @csspart legend - the colour legend
 */
export class PgaTimeline extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    hours: { type: Number },
    bars: { state: true },
    width: { state: true },
  };
  declare gatewayUrl: string;
  declare hours: number;
  declare bars: Bar[];
  declare width: number;

  static override styles = [
    sharedStyles,
    css`
      .chart { overflow-x: auto; background: #fff; border: 1px solid var(--_line); border-radius: 8px; }
      svg { display: block; }
      text { font-size: 12px; fill: var(--_fg); }
      .tick text { fill: var(--_muted); font-size: 11px; }
      .tick line { stroke: #e6eaef; }
      rect.bar { cursor: pointer; }
      rect.bar:focus { outline: none; stroke: #000; stroke-width: 2; }
      .legend { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 8px; font-size: 12px; color: var(--_muted); }
      .legend span::before { content: ''; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; background: var(--c); vertical-align: -1px; }
      path.link { fill: none; stroke: #57606a; stroke-width: 1.5; }
      marker path { fill: #57606a; }
      .now line { stroke: var(--_danger); stroke-dasharray: 3 3; }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e: GatewayEvent) => {
      if (['run_started', 'run_finished', 'kill'].includes(e.event)) this.gateway.reloadSoon(() => void this.load(), 250);
    },
  });
  private readonly clock = new ClockController(this, 5000);
  private resizeObserver: ResizeObserver | undefined;

  constructor() {
    super();
    this.gatewayUrl = '';
    this.hours = 6;
    this.bars = [];
    this.width = 900;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && Math.abs(w - this.width) > 4) this.width = w;
    });
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('hours') && this.hasUpdated && this.gateway.session) void this.load();
  }

  /** Reloads the runs of the window (only the latest load is shown: GatewayController.latest). */
  async load(): Promise<void> {
    const until = new Date();
    const since = new Date(until.getTime() - this.hours * 3600_000);
    const bars = await this.gateway.latest('timeline', () =>
      this.gateway.run((c) => c.read<Bar[]>('timeline', { since: since.toISOString(), until: until.toISOString() })),
    );
    if (bars) this.bars = bars;
  }

  private open(bar: Bar): void {
    emit(this, 'pga-run-open', { runId: bar.run_id });
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const now = this.clock.now;
    const start = now - this.hours * 3600_000;
    const jobs = [...new Set(this.bars.map((b) => b.job))].sort();
    const width = Math.max(600, this.width - 2);
    const plot = width - LABEL - 16;
    const height = AXIS + Math.max(1, jobs.length) * ROW + 6;
    const x = (t: number) => LABEL + ((Math.max(start, Math.min(now, t)) - start) / (now - start)) * plot;
    const step = tickStep(now - start);
    const ticks: number[] = [];
    for (let t = Math.ceil(start / step) * step; t <= now; t += step) ticks.push(t);
    const states = [...new Set(this.bars.map((b) => b.state))];
    const y = (job: string) => AXIS + jobs.indexOf(job) * ROW + ROW / 2;
    const byId = new Map(this.bars.map((b) => [b.run_id, b]));
    // Upstream end -> downstream start. Decorative (aria-hidden): each bar's label names its cause.
    const links = this.bars.flatMap((b) => {
      const up = b.upstream_run_id ? byId.get(b.upstream_run_id) : undefined;
      if (!up) return [];
      const x1 = x(up.finished_at ? new Date(up.finished_at).getTime() : now);
      const x2 = x(new Date(b.started_at).getTime());
      const [y1, y2] = [y(up.job), y(b.job)];
      const bend = Math.max(12, (x2 - x1) / 2);
      return [svg`<path class="link" data-from=${up.run_id} data-to=${b.run_id} marker-end="url(#pga-arrow)" d="M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}"></path>`];
    });
    return html`<div class="toolbar">
        <h2 style="margin:0">Timeline</h2>
        <label class="inline">Last<select aria-label="Window (hours)" .value=${String(this.hours)} @change=${(e: Event) => (this.hours = Number((e.target as HTMLSelectElement).value))}>
          ${[0.25, 1, 3, 6, 12, 24, 72].map((h) => html`<option value=${h} ?selected=${h === this.hours}>${h < 1 ? `${h * 60} min` : `${h} h`}</option>`)}</select></label>
        <span class="spacer"></span>
        <button @click=${() => void this.load()}>Refresh</button>
      </div>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      <div class="chart">
        <svg part="chart" width=${width} height=${height} role="group" aria-label="Runs of the last ${this.hours} hours by job">
          ${ticks.map((t) => {
            const d = new Date(t);
            const label = step >= 86400_000 ? d.toLocaleDateString() : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
            // A label too close to the right edge would be cut: keep its line only.
            return svg`<g class="tick"><line x1=${x(t)} x2=${x(t)} y1=${AXIS - 6} y2=${height}></line>${x(t) + 40 < width ? svg`<text x=${x(t) + 3} y=${AXIS - 10}>${label}</text>` : nothing}</g>`;
          })}
          ${jobs.length === 0 ? svg`<text x=${LABEL} y=${AXIS + 17} class="muted">No run in this window.</text>` : nothing}
          ${jobs.map((job, i) => svg`<text x="6" y=${AXIS + i * ROW + 17}>${job.length > 22 ? `${job.slice(0, 21)}…` : job}</text>`)}
          ${this.bars.map((b) => {
            const row = jobs.indexOf(b.job);
            const s = new Date(b.started_at).getTime();
            const f = b.finished_at ? new Date(b.finished_at).getTime() : now;
            const x1 = x(s);
            const w = Math.max(MIN_BAR, x(f) - x1);
            const label = `Run ${b.run_id} of ${b.job}${b.upstream_run_id ? ` (after run ${b.upstream_run_id})` : ''}: ${b.state}, started ${formatInstant(b.started_at)}, ${b.finished_at ? `took ${formatDuration(f - s)}` : `running for ${formatDuration(now - s)}`}${b.agent ? ` on ${b.agent}` : ''}`;
            return svg`<rect class="bar" data-run=${b.run_id} data-state=${b.state} x=${x1} y=${AXIS + row * ROW + 4} width=${w} height=${ROW - 8} rx="3"
              fill=${STATE_COLOURS[b.state] ?? '#6e7781'} tabindex="0" role="button" aria-label=${label}
              @click=${() => this.open(b)} @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.open(b))}><title>${label}</title></rect>`;
          })}
          <defs><marker id="pga-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"></path></marker></defs>
          <g class="links" aria-hidden="true">${links}</g>
          <g class="now"><line x1=${LABEL + plot} x2=${LABEL + plot} y1=${AXIS - 6} y2=${height}></line></g>
        </svg>
      </div>
      <div class="legend" part="legend">${states.map((s) => html`<span style="--c:${STATE_COLOURS[s] ?? '#6e7781'}">${s.replace('_', ' ')}</span>`)}</div>`;
  }
}
define('pga-timeline', PgaTimeline);

declare global {
  interface HTMLElementTagNameMap {
    'pga-timeline': PgaTimeline;
  }
}
