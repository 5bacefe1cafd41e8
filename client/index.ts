/**
 * The TypeScript face of the pgautomator API: one method per API function of the extension
 * (generated from its catalog), named in camelCase, taking the SQL function's named arguments.
 *
 *   import pg from 'pg';
 *   import { createApi } from 'pgautomator/client';
 *   const api = createApi(new pg.Pool({ connectionString }));
 *   const runId = await api.startJob({ job: 'nightly-backup' });
 */
import pg from 'pg';
import { callApi, configureTypes, type Queryable } from './call.ts';
import { apiFunctions, type PgAutomatorApi } from './generated/api.ts';

configureTypes(pg.types);

export * from './errors.ts';
export type { Queryable, ApiFunction } from './call.ts';
export { apiFunctions } from './generated/api.ts';
export type * from './generated/api.ts';

export type ApiFunctionName = keyof typeof apiFunctions;

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function createApi(db: Queryable): PgAutomatorApi {
  const api: Record<string, (args?: Record<string, unknown>) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(apiFunctions)) {
    api[camel(name)] = (args) => callApi(db, name, fn, args);
  }
  return api as unknown as PgAutomatorApi;
}

/** Calls an API function by its SQL name with a JSON object of named arguments (the gateway's path). */
export function callByName(db: Queryable, name: string, args: Record<string, unknown>): Promise<unknown> {
  const fn = (apiFunctions as Record<string, (typeof apiFunctions)[ApiFunctionName]>)[name];
  if (!fn) throw new TypeError(`pgautomator.${name} is not an API function`);
  return callApi(db, name, fn, args);
}
