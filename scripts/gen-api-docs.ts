/**
 * Generates docs/api.md, the reference of the pgautomator API: every API function (from the typed
 * client's manifest, client/generated/api.ts, with its full signature, argument defaults and
 * result read from the catalog) and every view with its columns, each with its COMMENT, grouped by
 * area. The catalog is that of a database made with createTestDatabase, so the reference is the
 * extension as built.
 *
 *   npx tsx scripts/gen-api-docs.ts          write docs/api.md
 *   npx tsx scripts/gen-api-docs.ts --check  exit 1 when docs/api.md is stale
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { apiFunctions } from '../client/generated/api.ts';
import type { ApiFunction } from '../client/call.ts';
import { createTestDatabase } from '../test/support/database.ts';

const target = fileURLToPath(new URL('../docs/api.md', import.meta.url));

interface CatalogSignature {
  name: string;
  arguments: string;
  result: string;
}
interface CatalogView {
  name: string;
  comment: string | null;
  columns: { name: string; type: string; comment: string | null }[];
}
interface CatalogRole {
  name: string;
  comment: string | null;
}
export interface Catalog {
  signatures: CatalogSignature[];
  views: CatalogView[];
  roles: CatalogRole[];
}

const signaturesQuery = `
SELECT p.proname AS name, pg_get_function_arguments(p.oid) AS arguments, pg_get_function_result(p.oid) AS result
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pgautomator' AND p.proname NOT LIKE '\\_%' AND p.prokind = 'f'
ORDER BY p.proname`;

const viewsQuery = `
SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment,
       json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'comment', col_description(c.oid, a.attnum))
                ORDER BY a.attnum) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'pgautomator' AND c.relkind = 'v'
GROUP BY c.oid, c.relname
ORDER BY c.relname`;

const rolesQuery = `
SELECT rolname AS name, shobj_description(oid, 'pg_authid') AS comment
FROM pg_roles WHERE rolname IN ('pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent')
ORDER BY array_position(ARRAY['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent'], rolname::text)`;

/** The areas of the reference, in order, and how a function is placed (first rule that matches). */
export const areas = [
  { key: 'schedules', title: 'Schedules', intro: 'Schedules are objects of their own; attach them to jobs. Specs: [schedule-spec.md](schedule-spec.md).' },
  { key: 'jobs', title: 'Jobs and categories', intro: 'Jobs, their settings and the categories that group them.' },
  { key: 'steps', title: 'Steps', intro: 'The ordered shell and SQL steps of a job, with retries and flow on success and failure.' },
  { key: 'connections', title: 'Connections', intro: 'Named targets of SQL steps. No secret is stored: a reference tells the agent where to find it on its host.' },
  { key: 'operators', title: 'Operators', intro: 'Mail recipients that job and step mail settings name.' },
  { key: 'mail', title: 'Mail', intro: 'Who is told what, and through which SMTP server an agent sends it.' },
  { key: 'runs', title: 'Runs', intro: 'Starting and killing runs, and keeping their history.' },
  { key: 'agents', title: 'Agents protocol', intro: 'What agents call (role pgautomator_agent), plus their administration. The protocol is described in [agent-protocol.md](agent-protocol.md).' },
  { key: 'roles', title: 'Roles', intro: 'Who may do what: membership in the pgautomator_* roles, granted through functions.' },
  { key: 'engine', title: 'Engine and version', intro: 'Which schedule engine computes fires, and which version is installed.' },
  { key: 'reads', title: 'Reads', intro: 'Read functions (what the UI and `pgautomator status` call) and the views behind them, for psql.' },
  { key: 'other', title: 'Other', intro: 'Functions no area rule places yet.' },
] as const;
export type Area = (typeof areas)[number]['key'];

export function areaOf(name: string, fn: Pick<ApiFunction, 'roles'>): Area {
  if (fn.roles.length > 0 && fn.roles.every((r) => r === 'pgautomator_agent')) return 'agents';
  if (/role/.test(name)) return 'roles';
  if (/email|smtp|mail/.test(name)) return 'mail';
  if (/^(list|get)_|^step_output$|^timeline$/.test(name)) return 'reads';
  if (/schedule/.test(name)) return 'schedules';
  if (/step/.test(name)) return 'steps';
  if (/connection/.test(name)) return 'connections';
  if (/operator/.test(name)) return 'operators';
  if (/run|history|retention|^start_job$/.test(name)) return 'runs';
  if (/job|categor/.test(name)) return 'jobs';
  if (/agent/.test(name)) return 'agents';
  if (/engine|version|setting/.test(name)) return 'engine';
  return 'other';
}

/** Roles that may call a function granted to `roles` (admin includes operator includes viewer). */
export function effectiveRoles(roles: readonly string[]): string[] {
  const out = new Set<string>();
  for (const role of roles) {
    out.add(role);
    if (role === 'pgautomator_viewer') out.add('pgautomator_operator').add('pgautomator_admin');
    if (role === 'pgautomator_operator') out.add('pgautomator_admin');
  }
  const order = ['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent'];
  return [...out].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const anchor = (text: string) => text.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-');
const cell = (text: string | null | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');

function signatureBlock(name: string, signature: CatalogSignature): string {
  const args = signature.arguments ? signature.arguments.split(/, (?=(?:[^()]*\([^()]*\))*[^()]*$)/) : [];
  const list = args.length <= 2 ? args.join(', ') : `\n${args.map((a) => `  ${a}`).join(',\n')}\n`;
  return ['```sql', `pgautomator.${name}(${list}) RETURNS ${signature.result}`, '```'].join('\n');
}

export function render(functions: Record<string, ApiFunction>, catalog: Catalog): string {
  const signatures = new Map(catalog.signatures.map((s) => [s.name, s]));
  const missing = Object.keys(functions).filter((name) => !signatures.has(name));
  if (missing.length) throw new Error(`client/generated/api.ts names functions the extension lacks (${missing.join(', ')}): run npx tsx scripts/gen-api-client.ts`);
  const views = new Set(catalog.views.map((v) => v.name));
  const out: string[] = [
    '<!-- GENERATED by scripts/gen-api-docs.ts from client/generated/api.ts and the extension catalog — do not edit. -->',
    '<!-- Regenerate with `npx tsx scripts/gen-api-docs.ts` after changing extension-src/ (and the client). -->',
    '',
    '# pgautomator API reference',
    '',
    'Everything pgAutomator does is a function in schema `pgautomator`: the agent, the gateway, the UI and the',
    '`pgautomator` CLI call nothing else, and neither need you. Call them from psql with named arguments',
    "(`SELECT pgautomator.start_job(job => 'nightly-backup');`), over HTTP through the gateway",
    "(`POST /rpc/start_job` with `{\"job\": \"nightly-backup\"}`), or from TypeScript with the typed client",
    "(`createApi(pool).startJob({ job: 'nightly-backup' })`). Errors carry SQLSTATEs of class `PA`, listed in",
    '[extension-src/sql/README.md](../extension-src/sql/README.md), with a DETAIL naming the field and a HINT.',
    '',
    '## Who may call what',
    '',
    'Roles hold no table privileges; each function checks its caller. Grant them with',
    "`SELECT pgautomator.grant_role('alice', 'operator');` (see [security.md](security.md)).",
    '',
    '| role | may |',
    '|---|---|',
    ...catalog.roles.map((r) => `| \`${r.name}\` | ${cell(r.comment)} |`),
    '',
    '## Contents',
    '',
  ];
  const byArea = new Map<Area, string[]>();
  for (const name of Object.keys(functions).sort()) {
    const area = areaOf(name, functions[name]);
    byArea.set(area, [...(byArea.get(area) ?? []), name]);
  }
  for (const area of areas) {
    const names = byArea.get(area.key) ?? [];
    if (names.length === 0 && !(area.key === 'reads' && views.size)) continue;
    out.push(`- [${area.title}](#${anchor(area.title)}): ${names.map((n) => `[\`${n}\`](#${anchor(n)})`).join(', ')}${area.key === 'reads' && views.size ? `; [views](#views)` : ''}`);
  }
  out.push('');
  for (const area of areas) {
    const names = byArea.get(area.key) ?? [];
    if (names.length === 0 && !(area.key === 'reads' && views.size)) continue;
    out.push(`## ${area.title}`, '', area.intro, '');
    for (const name of names) {
      const fn = functions[name];
      const signature = signatures.get(name)!;
      out.push(`### ${name}`, '', signatureBlock(name, signature), '');
      const returnsView = fn.columns && views.has(fn.returns.replace(/^pgautomator\./, ''));
      const facts = [
        `**Granted to:** ${fn.roles.length ? effectiveRoles(fn.roles).map((r) => `\`${r}\``).join(', ') : 'superusers and the owner only'}`,
        `**Volatility:** ${fn.volatility}`,
      ];
      if (returnsView) facts.push(`**Returns:** rows of the view [\`${fn.returns}\`](#${anchor(fn.returns.replace(/^pgautomator\./, ''))})`);
      else if (fn.columns) facts.push(`**Returns:** ${fn.returnsSet ? 'rows' : 'one row'} of ${fn.columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ')}`);
      out.push(facts.join(' · '), '');
      out.push(fn.comment ? fn.comment.trim().split('\n').join('\n\n') : '_No comment._', '');
    }
    if (area.key === 'reads' && catalog.views.length) {
      out.push('### Views', '', 'Read models with readable names, granted SELECT to `pgautomator_viewer` for psql users. They run with their owner\'s rights, so reading a view never opens the table beneath it.', '');
      for (const view of catalog.views) {
        out.push(`#### ${view.name}`, '', view.comment?.trim() || '_No comment._', '', '| column | type | meaning |', '|---|---|---|');
        for (const column of view.columns) out.push(`| \`${column.name}\` | ${column.type} | ${cell(column.comment)} |`);
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

async function readCatalog(): Promise<Catalog> {
  const db = await createTestDatabase('gen_api_docs');
  try {
    const [signatures, views, roles] = await Promise.all([db.pool.query(signaturesQuery), db.pool.query(viewsQuery), db.pool.query(rolesQuery)]);
    return { signatures: signatures.rows, views: views.rows, roles: roles.rows };
  } finally {
    await db.drop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = render(apiFunctions as unknown as Record<string, ApiFunction>, await readCatalog());
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== generated) {
      console.error('docs/api.md is stale: run `npx tsx scripts/gen-api-docs.ts` and commit it.');
      process.exit(1);
    }
    console.log('docs/api.md is fresh');
  } else {
    await writeFile(target, generated);
    console.log(`wrote ${target}`);
  }
}
