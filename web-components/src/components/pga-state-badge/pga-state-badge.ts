import { css, html, LitElement } from 'lit';
import { define } from '../../define.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

/**
 * A run, step or agent state as a coloured badge (queued, running, succeeded, failed, killed,
 * timed_out, abandoned, cancelled, skipped; online, draining, offline).
 *
 * @attr state - the state to show
 * @csspart badge - the badge
 */
export class PgaStateBadge extends LitElement {
  static override properties = { state: { type: String, reflect: true } };
  declare state: string;

  static override styles = [
    sharedStyles,
    css`
      :host { display: inline-block; }
      span[part='badge'] {
        display: inline-flex; align-items: center; gap: 5px; padding: 1px 8px; border-radius: 999px;
        font-size: 12px; font-weight: 600;
        /* The state colour darkened for the text: at least 4.5:1 on the tinted background. */
        color: color-mix(in srgb, var(--_state, #6e7781) 70%, black);
        background: color-mix(in srgb, var(--_state, #6e7781) 12%, white);
        border: 1px solid color-mix(in srgb, var(--_state, #6e7781) 40%, white); white-space: nowrap;
      }
      span[part='badge']::before { content: ''; width: 7px; height: 7px; border-radius: 50%; background: var(--_state, #6e7781); }
      :host([state='running']) span[part='badge']::before { animation: pulse 1.2s ease-in-out infinite; }
      @keyframes pulse { 50% { opacity: 0.25; } }
    `,
  ];

  constructor() {
    super();
    this.state = '';
  }

  override render() {
    const label = (this.state || 'unknown').replace(/_/g, ' ');
    // Plain text, no live region: a page of badges must not chatter, and a name that differs from
    // the visible word fails WCAG 2.5.3 (axe label-content-name-mismatch).
    return html`<span part="badge" class="state-${this.state}"><span class="visually-hidden">state: </span>${label}</span>`;
  }
}
define('pga-state-badge', PgaStateBadge);

declare global {
  interface HTMLElementTagNameMap {
    'pga-state-badge': PgaStateBadge;
  }
}
