/**
 * pgAutomator web components: importing this module defines every `pga-*` element.
 * Built by Vite into one ES module, web-components/dist/pgautomator-components.js.
 */
export { GatewayClient, GatewayError, getGatewayClient } from './api/client.ts';
export type { GatewayEvent, SessionInfo } from './api/client.ts';
export { emit } from './events.ts';
export type { PgaEventDetails, PgaEventName } from './events.ts';
export { GatewayController } from './controllers/gateway-controller.ts';
export { ClockController } from './controllers/clock-controller.ts';
export { PgaStateBadge } from './components/pga-state-badge/pga-state-badge.ts';
export { PgaLoginForm } from './components/pga-login-form/pga-login-form.ts';
export { PgaScheduleCalendar } from './components/pga-schedule-calendar/pga-schedule-calendar.ts';
export { PgaStepList } from './components/pga-step-list/pga-step-list.ts';
export { PgaRunDetail } from './components/pga-run-detail/pga-run-detail.ts';
export { PgaScheduleEditor } from './components/pga-schedule-editor/pga-schedule-editor.ts';
export { PgaJobScript } from './components/pga-job-script/pga-job-script.ts';
export { PgaJobImport } from './components/pga-job-import/pga-job-import.ts';
export { PgaJobEditor } from './components/pga-job-editor/pga-job-editor.ts';
export { PgaJobs } from './components/pga-jobs/pga-jobs.ts';
export { PgaOverview } from './components/pga-overview/pga-overview.ts';
export { PgaRuns } from './components/pga-runs/pga-runs.ts';
export { PgaTimeline } from './components/pga-timeline/pga-timeline.ts';
export { PgaAgents } from './components/pga-agents/pga-agents.ts';
export { PgaAlerts } from './components/pga-alerts/pga-alerts.ts';
export { PgaSettings } from './components/pga-settings/pga-settings.ts';
export { PgaRetention } from './components/pga-retention/pga-retention.ts';
export { PgaRoleGrants } from './components/pga-role-grants/pga-role-grants.ts';
export { PgaConsole } from './components/pga-console/pga-console.ts';
