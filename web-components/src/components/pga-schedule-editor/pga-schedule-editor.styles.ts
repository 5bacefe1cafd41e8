import { css } from 'lit';

export const scheduleEditorStyles = css`
  .layout { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(300px, 420px); gap: 16px; align-items: start; }
  @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
  fieldset { border: 1px solid var(--_line); border-radius: 8px; margin: 0 0 10px; padding: 8px 10px; }
  legend { font-size: 12px; font-weight: 600; color: var(--_muted); padding: 0 4px; }
  .weekdays { display: flex; gap: 6px; flex-wrap: wrap; }
  .weekdays label { flex-direction: row; align-items: center; gap: 3px; color: var(--_fg); font-size: 13px; }
  [aria-invalid='true'] { border-color: var(--_danger); background: #fff6f6; }
  .status { padding: 6px 10px; border-radius: 6px; margin-bottom: 8px; font-size: 13px; }
  .status.ok { background: #edf7ee; color: var(--_ok); border: 1px solid #b7dfb9; }
  .status.bad { background: #fdecea; color: var(--_danger); border: 1px solid #f3b6b0; }
  ol.fires { margin: 0 0 10px; padding-left: 22px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
  .note { font-size: 12px; color: var(--_muted); margin: 6px 0 10px; }
  .exception { display: flex; gap: 6px; align-items: flex-end; margin-bottom: 4px; }
  input.narrow { width: 6em; }
  .field { display: flex; flex-direction: column; gap: 2px; max-width: 360px; }
  ol.fires { padding-left: 2.6em; }
  .field.cron { max-width: 520px; flex: 1; }
  input.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
  .cron-reading { margin: 4px 0 0; font-size: 13px; }
  .field.cron .note { margin: 2px 0 0; }
  ul.used-by { list-style: none; padding: 0; margin: 0; }
  ul.used-by li { display: flex; gap: 8px; align-items: baseline; padding: 3px 0; border-bottom: 1px solid var(--_line); flex-wrap: wrap; }
  button.link { background: none; border: none; padding: 0; color: color-mix(in srgb, var(--_accent) 80%, black); cursor: pointer; overflow-wrap: anywhere; text-align: left; }
`;
