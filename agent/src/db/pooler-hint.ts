/**
 * What to do about a connection failure that a pooler (PgBouncer) caused. Its refusals come as
 * SQLSTATE 08P01 (protocol violation) or as a plain server error, the same code for many causes,
 * so the cause is read from PgBouncer's message: it is another program's text, not one of our
 * SQLSTATEs (those are branched on by code, never by message). Undefined when the error does not
 * look like a pooler's.
 */
const hints: ReadonlyArray<readonly [RegExp, string]> = [
  [/unsupported startup parameter/i, 'a connection pooler (PgBouncer) refused a startup parameter: the agent sends none of its own, so it comes from the URL (options=... and the like); remove it there, or list it in the pooler\'s ignore_startup_parameters (docs/poolers.md)'],
  [/no such database/i, 'the connection pooler has no entry for this database: add it to the [databases] section of pgbouncer.ini (or a * fallback) (docs/poolers.md)'],
  [/no such user|not allowed|SASL authentication failed|auth_query/i, 'the connection pooler refused this user: add it to its auth_file (or configure auth_query) (docs/poolers.md)'],
  [/pgbouncer cannot connect to server|server login (retry|has been failing)|server conn crashed/i, 'the connection pooler cannot reach PostgreSQL: check the host and port of its [databases] entry and that the server runs'],
  [/query_wait_timeout|no more connections allowed|max_client_conn/i, 'the connection pooler is full: raise default_pool_size / max_client_conn in pgbouncer.ini, or give the agent fewer connections (--pool-size)'],
  [/prepared statement .* does not exist/i, 'a pooler in transaction pooling cannot keep named prepared statements between transactions: use session pooling or PgBouncer 1.21+ with max_prepared_statements (docs/poolers.md)'],
];

export function poolerHint(error: unknown): string | undefined {
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  for (const [pattern, hint] of hints) if (pattern.test(message)) return hint;
  return undefined;
}
