/**
 * How a bad value is shown in an error message, shared by the spec checks and the cron parser;
 * the PL/pgSQL twin is pgautomator._plpgsql_json_describe.
 */

/** A short JSON rendering of a bad value for messages; never throws (BigInt, cycles...). */
export function describe(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) text = typeof value;
  if (text.length <= 60) return text;
  // Never half a character: a cut between the two UTF-16 units of a character beyond U+FFFF
  // would leave a lone surrogate, which PostgreSQL text and jsonb refuse (plv8 would fail to
  // return the error at all); that character is left out whole, as the PL/pgSQL twin does.
  const code = text.charCodeAt(56);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? 56 : 57) + '...';
}
