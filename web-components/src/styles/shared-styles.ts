/**
 * Styles every element shares: tokens as CSS custom properties (override them from the page:
 * `--pga-accent`, `--pga-font`, ...), tables, buttons, form fields, state colours.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    --_accent: var(--pga-accent, #1f6feb);
    --_fg: var(--pga-fg, #1d2733);
    --_muted: var(--pga-muted, #5b6876);
    --_bg: var(--pga-bg, #ffffff);
    --_line: var(--pga-line, #d7dde4);
    --_danger: var(--pga-danger, #c62828);
    --_ok: var(--pga-ok, #2e7d32);
    --_warn: var(--pga-warn, #b26a00);
    display: block;
    font-family: var(--pga-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 14px;
    color: var(--_fg);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  h2 { font-size: 1.15rem; margin: 0 0 0.75rem; }
  h3 { font-size: 1rem; margin: 1rem 0 0.5rem; }
  table { border-collapse: collapse; width: 100%; background: var(--_bg); }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--_line); vertical-align: top; }
  th { font-weight: 600; color: var(--_muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
  tr.selected td { background: #eef4ff; }
  button {
    font: inherit; border: 1px solid var(--_line); background: #f6f8fa; color: var(--_fg);
    border-radius: 6px; padding: 4px 10px; cursor: pointer;
  }
  button:hover:not(:disabled) { border-color: var(--_accent); }
  button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, a:focus-visible {
    outline: 2px solid var(--_accent); outline-offset: 1px;
  }
  button:disabled { opacity: 0.5; cursor: default; }
  button.primary { background: var(--_accent); border-color: var(--_accent); color: #fff; }
  button.danger { color: var(--_danger); }
  button.danger.primary { background: var(--_danger); border-color: var(--_danger); color: #fff; }
  input, select, textarea {
    font: inherit; border: 1px solid var(--_line); border-radius: 6px; padding: 4px 6px; background: #fff; color: var(--_fg);
  }
  textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
  label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--_muted); }
  label.inline { flex-direction: row; align-items: center; gap: 6px; }
  .row { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 8px; }
  .muted { color: var(--_muted); }
  .error { color: var(--_danger); }
  .field-error { color: var(--_danger); font-size: 12px; }
  [aria-invalid='true'] { border-color: var(--_danger); background: #fff6f6; }
  .banner { border: 1px solid var(--_danger); background: #fdecea; color: var(--_danger); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
  .banner.info { border-color: var(--_line); background: #f6f8fa; color: var(--_muted); }
  .card { background: var(--_bg); border: 1px solid var(--_line); border-radius: 8px; padding: 12px; }
  .toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
  .spacer { flex: 1; }
  code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
  .state-queued { --_state: #6e7781; }
  .state-running { --_state: #1f6feb; }
  .state-succeeded { --_state: #2e7d32; }
  .state-failed { --_state: #c62828; }
  .state-killed { --_state: #8250df; }
  .state-timed_out { --_state: #b26a00; }
  .state-abandoned { --_state: #9a6700; }
  .state-cancelled, .state-skipped { --_state: #8c959f; }
  .state-online { --_state: #2e7d32; }
  .state-draining { --_state: #b26a00; }
  .state-offline { --_state: #8c959f; }
`;

/** The colour of a run or agent state (for SVG fills). */
export const STATE_COLOURS: Record<string, string> = {
  queued: '#6e7781',
  running: '#1f6feb',
  succeeded: '#2e7d32',
  failed: '#c62828',
  killed: '#8250df',
  timed_out: '#b26a00',
  abandoned: '#9a6700',
  cancelled: '#8c959f',
  skipped: '#8c959f',
  online: '#2e7d32',
  draining: '#b26a00',
  offline: '#8c959f',
};
