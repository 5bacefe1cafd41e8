/**
 * The engine's boundary: no imports outside the folder, no clock/Intl/Node/DOM, and a bundle
 * that esbuild builds for ES2021 and that runs in a bare V8 context without Date or Intl
 * (the way plv8 and the browser will run it).
 */

import { buildSync } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidCases, scheduleCases } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const isTestSupport = (f: string) => f.endsWith('.test.ts') || f.startsWith('fixtures') || f === 'day-by-day-oracle.ts' || f === 'cron-minute-oracle.ts';
const engineFiles = readdirSync(here).filter((f) => f.endsWith('.ts') && !isTestSupport(f));

test('engine modules import only sibling modules', () => {
  for (const f of engineFiles) {
    const source = readFileSync(join(here, f), 'utf8');
    for (const m of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      assert.ok(/^\.\/[a-z0-9-]+\.ts$/.test(m[1]), `${f} imports ${m[1]}`);
    }
    assert.not.match(source, /\bimport\(|\brequire\(/, f);
  }
});

test('engine modules use no clock, Intl or host API', () => {
  const forbidden = /\b(Date|Intl|process|globalThis|window|document|setTimeout|setInterval|performance|console|BigInt)\b/;
  for (const f of engineFiles) {
    const code = readFileSync(join(here, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    assert.not.match(code, forbidden, f);
  }
});

function bundle(entry: string): string {
  const result = buildSync({
    entryPoints: [join(here, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'engine',
    target: 'es2021',
    platform: 'neutral',
    logLevel: 'silent',
  });
  assert.is(result.errors.length, 0);
  return result.outputFiles[0].text;
}

function runBare(code: string): Record<string, (...args: unknown[]) => unknown> {
  const context = createContext({});
  runInContext('delete globalThis.Date; delete globalThis.Intl;', context);
  runInContext(code, context);
  return runInContext('engine', context) as Record<string, (...args: unknown[]) => unknown>;
}

test('sql-entry bundles for ES2021 and runs in a bare context without Date or Intl', () => {
  const engine = runBare(bundle('sql-entry.ts'));
  for (const c of scheduleCases) {
    // Results cross the vm boundary as foreign arrays: compare as JSON.
    assert.is(JSON.stringify(engine.nextFiresLocal(JSON.stringify(c.spec), c.after, c.count)), JSON.stringify(c.expect), c.name);
  }
  for (const c of invalidCases) {
    const r = engine.checkSchedule(JSON.stringify(c.spec)) as { field: string } | null;
    assert.is(r?.field, c.field, c.name);
  }
});

test('index bundles for ES2021 (what the browser preview imports)', () => {
  const engine = runBare(bundle('index.ts'));
  assert.is(engine.nextFire({ type: 'daily', start_date: '2026-01-01' }, '2026-01-01 00:00:00'), '2026-01-02 00:00:00');
});

test.run();
