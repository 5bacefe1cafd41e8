/**
 * Exception dates and periods as sorted, merged, inclusive day ranges, and a forward-only
 * cursor that answers "is day d excepted, and if so where does its period end?" in amortised
 * constant time while the days asked about only grow.
 */

import { parseIsoDate, type DayNumber } from './civil-date.ts';
import type { ScheduleException } from './spec.ts';

export interface ExceptionPeriods {
  /** Ascending, disjoint and non-adjacent: from[i] <= to[i] < from[i + 1] - 1. */
  readonly from: readonly DayNumber[];
  readonly to: readonly DayNumber[];
}

const NO_PERIODS: ExceptionPeriods = { from: [], to: [] };

/** Sorts and merges overlapping or touching periods (entries must be valid). */
export function mergeExceptionPeriods(exceptions: readonly ScheduleException[] | undefined): ExceptionPeriods {
  if (exceptions === undefined || exceptions.length === 0) return NO_PERIODS;
  const ranges = exceptions.map((e) => {
    const from = parseIsoDate(typeof e === 'string' ? e : e.from) as DayNumber;
    const to = typeof e === 'string' ? from : (parseIsoDate(e.to) as DayNumber);
    return [from, to] as const;
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const from: DayNumber[] = [];
  const to: DayNumber[] = [];
  for (const [f, t] of ranges) {
    const last = to.length - 1;
    if (last >= 0 && f <= to[last] + 1) {
      if (t > to[last]) to[last] = t;
    } else {
      from.push(f);
      to.push(t);
    }
  }
  return { from, to };
}

/** Forward-only position in an `ExceptionPeriods`; create one per search. */
export class ExceptionCursor {
  private index = -1;

  constructor(private readonly periods: ExceptionPeriods) {}

  /**
   * If `day` lies inside an exception period, the last day of that period; otherwise
   * `undefined`. Successive calls must ask about non-decreasing days.
   */
  periodEndAt(day: DayNumber): DayNumber | undefined {
    const { from, to } = this.periods;
    if (to.length === 0) return undefined;
    let i = this.index;
    if (i < 0) i = firstEndingOnOrAfter(to, day);
    else while (i < to.length && to[i] < day) i++;
    this.index = i;
    return i < to.length && from[i] <= day ? to[i] : undefined;
  }
}

/** Binary search: first i with to[i] >= day, or to.length. */
function firstEndingOnOrAfter(to: readonly DayNumber[], day: DayNumber): number {
  let lo = 0;
  let hi = to.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (to[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
