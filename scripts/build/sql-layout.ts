/**
 * Where the hand-written SQL of `extension-src/sql/` goes in the install script, and in which order.
 * Within a folder, files run in byte order of their names (so `010-agent.sql` before `020-...`).
 * Every `.sql` file under `extension-src/sql/` must be placed by this layout (or be an upgrade):
 * the build fails on a file it would otherwise silently leave out.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type LayoutPart =
  | { kind: 'file'; path: string; optional: boolean }
  | { kind: 'folder'; path: string }
  | { kind: 'generated' };

/** Paths relative to `extension-src/sql/`. */
export const sqlLayout: readonly LayoutPart[] = [
  { kind: 'file', path: 'prelude.sql', optional: false },
  { kind: 'file', path: 'roles.sql', optional: true },
  { kind: 'folder', path: 'tables' },
  { kind: 'folder', path: 'engine' },
  { kind: 'generated' }, // version(), _plv8_source(): see scripts/build-extension.ts
  { kind: 'folder', path: 'functions/internal' },
  { kind: 'folder', path: 'views' },
  { kind: 'folder', path: 'functions/api' },
  { kind: 'folder', path: 'functions/agent' },
  { kind: 'file', path: 'grants.sql', optional: true },
  // Registers every member table and sequence with pg_extension_config_dump, so pg_dump keeps the
  // rows; read from the catalog, so it runs after everything that creates a table (see the file).
  { kind: 'file', path: 'dump.sql', optional: false },
];

/** Hand-written upgrade parts live here as `A--B.sql`; see scripts/build-extension.ts. */
export const upgradesFolder = 'upgrades';

export interface SqlSource {
  /** Repository-relative path with forward slashes, e.g. `extension-src/sql/tables/010-agent.sql`. */
  path: string;
  text: string;
}

export type LayoutSection = { kind: 'sources'; sources: SqlSource[] } | { kind: 'generated' };

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function readSource(root: string, sqlDir: string, relative: string): SqlSource {
  const full = path.join(sqlDir, relative);
  return { path: path.relative(root, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8').replace(/\r\n/g, '\n') };
}

/** Reads the hand-written SQL in layout order; throws on a `.sql` file the layout does not place. */
export function readSqlLayout(root: string, sqlDir: string): LayoutSection[] {
  const placed = new Set<string>();
  const sections: LayoutSection[] = [];
  for (const part of sqlLayout) {
    if (part.kind === 'generated') {
      sections.push({ kind: 'generated' });
      continue;
    }
    const full = path.join(sqlDir, part.path);
    if (part.kind === 'file') {
      if (!existsSync(full)) {
        if (part.optional) continue;
        throw new Error(`extension-src/sql/${part.path} is missing`);
      }
      placed.add(part.path);
      sections.push({ kind: 'sources', sources: [readSource(root, sqlDir, part.path)] });
      continue;
    }
    if (!existsSync(full)) continue;
    const files = readdirSync(full)
      .filter((name) => name.endsWith('.sql') && statSync(path.join(full, name)).isFile())
      .sort(byteOrder);
    for (const name of files) placed.add(`${part.path}/${name}`);
    sections.push({ kind: 'sources', sources: files.map((name) => readSource(root, sqlDir, `${part.path}/${name}`)) });
  }
  const unplaced = listSqlFiles(sqlDir).filter((file) => !placed.has(file) && !file.startsWith(`${upgradesFolder}/`));
  if (unplaced.length > 0) {
    throw new Error(
      `SQL files outside the build layout would be left out of the extension: ${unplaced.map((f) => `extension-src/sql/${f}`).join(', ')}\n` +
        `Move them into one of: ${sqlLayout.filter((p) => p.kind !== 'generated').map((p) => (p as { path: string }).path).join(', ')} ` +
        `(or add a place for them to scripts/build/sql-layout.ts).`,
    );
  }
  return sections;
}

function listSqlFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir).sort(byteOrder)) {
    const full = path.join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) found.push(...listSqlFiles(full, relative));
    else if (name.endsWith('.sql')) found.push(relative);
  }
  return found;
}
