/**
 * The plain-words reading of cron expressions (issue 16): table-driven, each case the words the
 * editor shows under the expression field. Vixie's day rule decides "or" versus "if it is".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readCronExpression } from './cron-reading.ts';

const CASES: Array<[string, string | null]> = [
  ['0 9 * * mon-fri', 'At minute 0 past hour 9 on Monday through Friday'],
  ['* * * * *', 'At every minute'],
  ['*/15 8-18 * * 1-5', 'At every 15th minute past hour 8 through 18 on Monday through Friday'],
  ['0 8-18/2 * * sat,sun', 'At minute 0 past every 2nd hour from 8 through 18 on Saturday and Sunday'],
  ['5,6,30 0-5,12 * * *', 'At minute 5, 6 and 30 past hour 0 through 5 and 12'],
  ['  30\t23 * * 0,7 ', 'At minute 30 past hour 23 on Sunday'],
  // Both day fields restricted: either matches.
  ['0 12 13 * fri', 'At minute 0 past hour 12 on day-of-month 13 or on Friday'],
  ['0 12 1,15 * mon,wed', 'At minute 0 past hour 12 on day-of-month 1 and 15 or on Monday and Wednesday'],
  // Both restricted, one allowing every value: every day fires.
  ['0 0 1-31 * mon', 'At minute 0 past hour 0'],
  // One begins with *: both must match, so a stepped * narrows the other.
  ['0 12 */2 * 5', 'At minute 0 past hour 12 on every 2nd day-of-month if it is Friday'],
  ['0 0 1 * *', 'At minute 0 past hour 0 on day-of-month 1'],
  ['0 0 1 1,7 *', 'At minute 0 past hour 0 on day-of-month 1 in January and July'],
  ['0 0 1 feb-apr *', 'At minute 0 past hour 0 on day-of-month 1 in February through April'],
  ['0 0 1 */3 *', 'At minute 0 past hour 0 on day-of-month 1 every 3rd month'],
  ['0 0 1 2-12/3 *', 'At minute 0 past hour 0 on day-of-month 1 every 3rd month from February through November'],
  ['0 0 31 * *', 'At minute 0 past hour 0 on day-of-month 31'],
  // Macros read as their meaning.
  ['@daily', 'Once a day, at midnight (@daily is “0 0 * * *”)'],
  ['@midnight', 'Once a day, at midnight (@midnight is “0 0 * * *”)'],
  ['@hourly', 'Once an hour, at minute 0 (@hourly is “0 * * * *”)'],
  ['@weekly', 'Once a week, at midnight on Sunday (@weekly is “0 0 * * 0”)'],
  ['@monthly', 'Once a month, at midnight on day 1 (@monthly is “0 0 1 * *”)'],
  ['@yearly', 'Once a year, at midnight on 1 January (@yearly is “0 0 1 1 *”)'],
  ['@annually', 'Once a year, at midnight on 1 January (@annually is “0 0 1 1 *”)'],
  // What the engine refuses has no reading (the editor shows the engine's error instead).
  ['0 0 30 2 *', null],
  ['0 0 32 * *', null],
  ['@reboot', null],
  ['0 0 * *', null],
  ['', null],
];

for (const [expression, reading] of CASES) {
  test(`reads ${JSON.stringify(expression)}`, () => {
    assert.is(readCronExpression(expression), reading);
  });
}

test.run();
