/**
 * Upgrades of a plain (non-extension) install: the same upgrade scripts that ALTER EXTENSION runs
 * (extension-build/pgautomator--A--B.sql), chained from the installed version to the target along
 * the shortest path, as PostgreSQL itself picks one, and run in one transaction. Like the
 * installer, this is DDL: the one other place outside the extension that runs SQL of its own.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { installLockSql, withoutPsqlGuard } from './extension-installer.ts';

export interface UpgradeScript {
  from: string;
  to: string;
  file: string;
}

const SCRIPT_NAME = /^pgautomator--(.+?)--(.+)\.sql$/;

/** The upgrade scripts in `dir` (file names pgautomator--A--B.sql). */
export function upgradeScripts(dir: string): UpgradeScript[] {
  const scripts: UpgradeScript[] = [];
  for (const name of readdirSync(dir)) {
    const match = SCRIPT_NAME.exec(name);
    if (match) scripts.push({ from: match[1], to: match[2], file: path.join(dir, name) });
  }
  return scripts;
}

/** The shortest chain of scripts from `from` to `to` ([] when equal), or null when there is none. */
export function upgradePath(scripts: UpgradeScript[], from: string, to: string): UpgradeScript[] | null {
  if (from === to) return [];
  const previous = new Map<string, UpgradeScript>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const version = queue.shift()!;
    for (const script of scripts.filter((s) => s.from === version).sort((a, b) => a.to.localeCompare(b.to))) {
      if (seen.has(script.to)) continue;
      seen.add(script.to);
      previous.set(script.to, script);
      if (script.to === to) {
        const chain: UpgradeScript[] = [];
        for (let step = previous.get(to); step; step = previous.get(step.from)) {
          chain.unshift(step);
          if (step.from === from) break;
        }
        return chain;
      }
      queue.push(script.to);
    }
  }
  return null;
}

/** Runs `chain` as plain SQL in one transaction (all or nothing), serialised with installs. */
export async function runPlainUpgrade(client: pg.ClientBase, chain: UpgradeScript[], onScript?: (script: UpgradeScript) => void): Promise<void> {
  const texts = await Promise.all(chain.map(async (script) => withoutPsqlGuard(await readFile(script.file, 'utf8'))));
  await client.query('BEGIN');
  try {
    await client.query(installLockSql);
    for (const [i, script] of chain.entries()) {
      onScript?.(script);
      await client.query(texts[i]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
