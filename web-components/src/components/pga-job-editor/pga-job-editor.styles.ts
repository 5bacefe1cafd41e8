import { css } from 'lit';

export const jobEditorStyles = css`
  section.card { margin-bottom: 14px; }
  fieldset.plain { border: none; margin: 0; padding: 0; min-width: 0; }
  h2 { overflow-wrap: anywhere; }
  .field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
  .grid label, .grid input, .grid select { min-width: 0; }
  .grid input:not([type="checkbox"]), .grid select { width: 100%; }
  ul.attached li > button.link { overflow-wrap: anywhere; text-align: left; }
  @media (max-width: 600px) { .events { flex-direction: column; } ul.attached li { flex-wrap: wrap; } }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin-bottom: 10px; }
  textarea { width: 100%; min-height: 70px; }
  .step-form { border-top: 1px dashed var(--_line); margin-top: 10px; padding-top: 10px; }
  ul.attached { list-style: none; padding: 0; margin: 0 0 8px; }
  ul.attached li { display: flex; gap: 8px; align-items: center; padding: 4px 0; border-bottom: 1px solid var(--_line); }
  .events { display: flex; gap: 10px; }
  fieldset.plain.row { display: flex; }
  h4 { font-size: 0.9rem; margin: 12px 0 4px; }
  button.link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-decoration: underline; }
`;
