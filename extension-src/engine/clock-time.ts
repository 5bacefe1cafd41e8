/**
 * Wall-clock times of day as whole seconds since midnight (0..86399).
 */

import { TWO_DIGITS, digitsAt } from './civil-date.ts';

export type SecondOfDay = number;

export const LAST_SECOND_OF_DAY: SecondOfDay = 86399;

const COLON = 58;

/** Seconds of an exact `HH:MM` or `HH:MM:SS` (00-23, 00-59, 00-59), or `undefined`. */
export function parseClockTime(text: unknown): SecondOfDay | undefined {
  if (typeof text !== 'string' || (text.length !== 5 && text.length !== 8) || text.charCodeAt(2) !== COLON) return undefined;
  const hour = digitsAt(text, 0, 2);
  const minute = digitsAt(text, 3, 2);
  let second = 0;
  if (text.length === 8) {
    if (text.charCodeAt(5) !== COLON) return undefined;
    second = digitsAt(text, 6, 2);
  }
  if (hour < 0 || minute < 0 || second < 0) return undefined;
  return secondOfParts(hour, minute, second);
}

export function secondOfParts(hour: number, minute: number, second: number): SecondOfDay | undefined {
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return hour * 3600 + minute * 60 + second;
}

/** `HH:MM:SS` of a second of the day. */
export function formatClockTime(s: SecondOfDay): string {
  const h = Math.floor(s / 3600);
  const rest = s - h * 3600;
  const m = Math.floor(rest / 60);
  return TWO_DIGITS[h] + ':' + TWO_DIGITS[m] + ':' + TWO_DIGITS[rest - m * 60];
}
