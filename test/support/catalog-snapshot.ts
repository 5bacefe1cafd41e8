/**
 * A comparable picture of everything the extension put in schema pgautomator: functions (with
 * body hash, settings, security, grants, comment), tables and columns, constraints, indexes,
 * views, and comments. Two databases with equal snapshots hold the same extension.
 */
import type pg from 'pg';

const queries: Record<string, string> = {
  functions: `
    SELECT p.oid::regprocedure::text AS signature, md5(p.prosrc) AS body, p.prosecdef AS definer,
           p.provolatile AS volatility, p.proconfig AS config, pg_get_function_result(p.oid) AS result,
           pg_get_function_arguments(p.oid) AS arguments,
           (SELECT array_agg(acl::text ORDER BY acl::text) FROM unnest(p.proacl) acl) AS acl,
           obj_description(p.oid, 'pg_proc') AS comment
    FROM pg_proc p WHERE p.pronamespace = 'pgautomator'::regnamespace ORDER BY 1`,
  relations: `
    SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class') AS comment,
           (SELECT array_agg(acl::text ORDER BY acl::text) FROM unnest(c.relacl) acl) AS acl,
           CASE WHEN c.relkind = 'v' THEN md5(pg_get_viewdef(c.oid)) END AS view_definition
    FROM pg_class c WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S') ORDER BY 1`,
  columns: `
    SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attidentity, col_description(c.oid, a.attnum) AS comment
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = 'pgautomator'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`,
  constraints: `
    SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relnamespace = 'pgautomator'::regnamespace ORDER BY 1, 2`,
  indexes: `
    SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'pgautomator' ORDER BY 1`,
  settings: `SELECT name, value FROM pgautomator.setting WHERE name <> 'retention_last_run' ORDER BY 1`,
};

export type CatalogSnapshot = Record<string, unknown[]>;

export async function catalogSnapshot(db: pg.ClientBase | pg.Pool): Promise<CatalogSnapshot> {
  const snapshot: CatalogSnapshot = {};
  for (const [name, text] of Object.entries(queries)) snapshot[name] = (await db.query(text)).rows;
  return snapshot;
}

/** Human-readable differences (at most `limit`), empty when the snapshots are equal. */
export function snapshotDifferences(a: CatalogSnapshot, b: CatalogSnapshot, limit = 20): string[] {
  const out: string[] = [];
  for (const key of Object.keys(queries)) {
    const left = new Set(a[key].map((row) => JSON.stringify(row)));
    const right = new Set(b[key].map((row) => JSON.stringify(row)));
    for (const row of left) if (!right.has(row) && out.length < limit) out.push(`${key}: only in first: ${row}`);
    for (const row of right) if (!left.has(row) && out.length < limit) out.push(`${key}: only in second: ${row}`);
  }
  return out;
}
