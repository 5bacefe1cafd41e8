/**
 * Loading the commands that other parts of the project own (the agent, the gateway) only when
 * they run, so a checkout without one of them still runs every other command, and says clearly
 * which part is missing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.ts';

/** Imports `relativePath` (from cli/) and returns its export `name`, a function. */
export async function loadEntry<F extends (...args: never[]) => unknown>(relativePath: string, name: string, part: string): Promise<F> {
  const url = new URL(relativePath, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new CliError(`the ${part} is not part of this checkout yet: ${fileURLToPath(url)} is missing`, {
      hint: `update the checkout (git pull) and run npm ci; the ${part} ships as ${relativePath.replace(/^\.\.\//, '')}`,
    });
  }
  const module = (await import(url.href)) as Record<string, unknown>;
  const entry = module[name];
  if (typeof entry !== 'function') {
    throw new CliError(`${relativePath.replace(/^\.\.\//, '')} does not export ${name}() yet`, { hint: `the ${part} is still being built in this checkout` });
  }
  return entry as F;
}

/** The exit code of a delegated command: its number, or 0 for anything else (it may keep running). */
export function exitCodeOf(result: unknown): number {
  return typeof result === 'number' ? result : 0;
}
