import { css } from 'lit';

export const consoleStyles = css`
  :host { min-height: 100vh; background: var(--pga-page-bg, #f4f6f8); }
  header { display: flex; align-items: center; gap: 8px 16px; padding: 0 18px; min-height: 52px; flex-wrap: wrap; background: var(--pga-header-bg, #14202e); color: #fff; }
  header .brand { font-weight: 700; font-size: 16px; letter-spacing: 0.02em; }
  nav { display: flex; gap: 2px; align-self: stretch; flex-wrap: wrap; }
  nav a { color: #c9d4df; text-decoration: none; padding: 0 12px; min-height: 44px; display: flex; align-items: center; border-bottom: 3px solid transparent; }
  header label.zone { flex-direction: row; align-items: center; gap: 6px; color: #c9d4df; font-size: 12px; }
  header label.zone select { background: #14202e; color: #fff; border-color: #4a5a6c; font-size: 12px; }
  /* Phone width: the navigation takes its own line(s), every link on screen. */
  @media (max-width: 700px) {
    header { padding: 6px 10px; }
    nav { order: 3; width: 100%; }
    nav a { padding: 0 8px; }
    header .who { margin-left: 0; }
    main { padding: 10px 8px; }
  }
  nav a[aria-current='page'] { color: #fff; border-bottom-color: var(--_accent); }
  nav a:hover { color: #fff; }
  header label.zone { margin-left: auto; }
  header .who { display: flex; gap: 10px; align-items: center; font-size: 13px; color: #c9d4df; }
  header button { background: transparent; color: #fff; border-color: #4a5a6c; }
  main { padding: 16px 18px; }
  .schedules { display: grid; grid-template-columns: 260px 1fr; gap: 16px; align-items: start; }
  @media (max-width: 900px) { .schedules { grid-template-columns: 1fr; } }
  .schedules ul { list-style: none; padding: 0; margin: 0 0 10px; }
  .schedules li button { width: 100%; text-align: left; background: #fff; margin-bottom: 4px; }
  .schedules li button[aria-current='true'] { border-color: var(--_accent); background: #eef4ff; }
  .back { margin-bottom: 10px; }
`;
