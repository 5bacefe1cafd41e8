/**
 * What a scenario hands to the report: rows of one metric measured for each scheduler, which
 * direction is better, and a target for ours where the issue sets one.
 */
import type { SchedulerName } from './fire-log.ts';

export type Cell = number | string | undefined;

export interface MetricRow {
  metric: string;
  values: Partial<Record<SchedulerName, Cell>>;
  /** How the ratio ours/other reads: for 'lower' a ratio below 1 is ours ahead. */
  better: 'lower' | 'higher' | 'none';
  /** Digits after the point when printing numbers. */
  digits?: number;
  target?: { text: string; met: boolean | undefined };
}

export interface Section {
  title: string;
  /** Sentences printed above the table: what was measured and how. */
  intro: string[];
  rows: MetricRow[];
  /** Sentences printed below it: caveats, where a target is missed and why. */
  notes: string[];
}
