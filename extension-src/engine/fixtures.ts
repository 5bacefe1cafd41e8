/**
 * Shared schedule fixtures: the uvu tests here, the pgTAP generator and the differential test
 * against the PL/pgSQL engine all run these same cases. Plain JSON-able data only; every
 * expectation was worked out by hand from a calendar, not produced by running the engine.
 */

import { cronCases, cronInvalidCases } from './fixtures-cron-cases.ts';
import { dayWeekCases } from './fixtures-day-week-cases.ts';
import { invalidCases as typedInvalidCases } from './fixtures-invalid-cases.ts';
import { monthCases } from './fixtures-month-cases.ts';
import { windowCases } from './fixtures-window-cases.ts';

export interface ScheduleCase {
  name: string;
  spec: unknown;
  /** Local wall-clock time, 'YYYY-MM-DD HH:MM:SS[.ffffff]' ('T' also accepted). */
  after: string;
  count: number;
  /** Local fires strictly after `after`, ascending, 'YYYY-MM-DD HH:MM:SS'. */
  expect: string[];
}

export interface InvalidCase {
  name: string;
  spec: unknown;
  /** The `field` both engines must report. */
  field: string;
}

export const invalidCases: InvalidCase[] = [...typedInvalidCases, ...cronInvalidCases];

export const scheduleCases: ScheduleCase[] = [...dayWeekCases, ...monthCases, ...windowCases, ...cronCases];
