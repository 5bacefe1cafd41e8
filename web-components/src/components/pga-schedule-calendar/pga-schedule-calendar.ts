import { css, html, LitElement, nothing } from 'lit';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * A month calendar marking the days on which a schedule fires (presentational). Weeks start on
 * Monday, like the schedule spec.
 *
 * @prop fires - local fire times `YYYY-MM-DD HH:MM:SS` (any months; those of the shown month are marked)
 * @attr month - the month shown, `YYYY-MM` (default: the month of the first fire, else this month)
 * @attr truncated - set when `fires` was cut short, so a day's count may be a lower bound
 * @fires pga-calendar-navigate - {year, month (1-12)} when the user moves to another month
 * @csspart calendar - the grid
 * @csspart day - each day cell; fire days also have part `fire-day`
 */
export class PgaScheduleCalendar extends LitElement {
  static override properties = {
    fires: { attribute: false },
    month: { type: String, reflect: true },
    truncated: { type: Boolean },
  };
  declare fires: string[];
  declare month: string;
  declare truncated: boolean;

  static override styles = [
    sharedStyles,
    css`
      .head { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; }
      .title { flex: 1; text-align: center; font-weight: 600; }
      .grid { display: grid; grid-template-columns: repeat(7, 1fr); gap: 3px; }
      .week { display: contents; }
      .wd { font-size: 11px; color: var(--_muted); text-align: center; padding: 2px 0; }
      .day { min-height: 40px; border: 1px solid var(--_line); border-radius: 5px; padding: 2px 4px; font-size: 12px; background: #fff; }
      .day.other { visibility: hidden; }
      .day.fire { background: color-mix(in srgb, var(--_accent) 14%, white); border-color: var(--_accent); }
      .count { display: block; font-size: 11px; color: color-mix(in srgb, var(--_accent) 70%, black); font-weight: 600; }
      .times { display: block; font-size: 10px; color: var(--_muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    `,
  ];

  constructor() {
    super();
    this.fires = [];
    this.month = '';
    this.truncated = false;
  }

  /** The month shown as [year, month 1-12]. */
  get shownMonth(): [number, number] {
    const source = this.month || this.fires[0]?.slice(0, 7) || `${new Date().getFullYear()}-${two(new Date().getMonth() + 1)}`;
    const [y, m] = source.split('-').map(Number);
    return [y, m];
  }

  private go(delta: number): void {
    let [y, m] = this.shownMonth;
    m += delta;
    if (m < 1) (m = 12), y--;
    if (m > 12) (m = 1), y++;
    this.month = `${String(y).padStart(4, '0')}-${two(m)}`;
    emit(this, 'pga-calendar-navigate', { year: y, month: m });
  }

  override render() {
    const [year, month] = this.shownMonth;
    const prefix = `${String(year).padStart(4, '0')}-${two(month)}-`;
    const byDay = new Map<number, string[]>();
    for (const fire of this.fires) {
      if (!fire.startsWith(prefix)) continue;
      const day = Number(fire.slice(8, 10));
      const list = byDay.get(day) ?? [];
      list.push(fire.slice(11, 16));
      byDay.set(day, list);
    }
    const first = new Date(Date.UTC(year, month - 1, 1));
    const offset = (first.getUTCDay() + 6) % 7; // Monday = 0
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    // A real ARIA grid: rows of cells (axe: aria-required-children/parent). Each cell is named by
    // its text (a hidden full date and count, the visible day number hidden from readers), so the
    // name and what is seen never disagree (label-content-name-mismatch).
    const cells = [];
    for (let i = 0; i < offset; i++) cells.push(html`<div class="day other" role="gridcell"></div>`);
    for (let d = 1; d <= days; d++) {
      const times = byDay.get(d);
      const plus = this.truncated && times ? '+' : '';
      const label = `${prefix}${two(d)}: ${times ? `${times.length}${plus} fire${times.length === 1 && !plus ? '' : 's'}` : 'no fire'}`;
      cells.push(html`<div class="day ${times ? 'fire' : ''}" part="day ${times ? 'fire-day' : ''}" role="gridcell" title=${times ? times.slice(0, 12).join(', ') : ''} data-date="${prefix}${two(d)}"><span class="visually-hidden">${label}</span><span aria-hidden="true">${d}
        ${times ? html`<span class="count">${times.length}${plus}×</span><span class="times">${times.slice(0, 2).join(' ')}</span>` : nothing}</span></div>`);
    }
    while (cells.length % 7 !== 0) cells.push(html`<div class="day other" role="gridcell"></div>`);
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(html`<div class="week" role="row">${cells.slice(i, i + 7)}</div>`);
    return html`<div class="head">
        <button type="button" @click=${() => this.go(-1)} aria-label="Previous month">‹</button>
        <span class="title" aria-live="polite">${MONTHS[month - 1]} ${year}</span>
        <button type="button" @click=${() => this.go(1)} aria-label="Next month">›</button>
      </div>
      <div class="grid" part="calendar" role="grid" aria-label="Fires in ${MONTHS[month - 1]} ${year}">
        <div class="week" role="row">${WEEKDAYS.map((w) => html`<div class="wd" role="columnheader">${w}</div>`)}</div>${weeks}
      </div>`;
  }
}
define('pga-schedule-calendar', PgaScheduleCalendar);

declare global {
  interface HTMLElementTagNameMap {
    'pga-schedule-calendar': PgaScheduleCalendar;
  }
}
