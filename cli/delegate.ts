/**
 * Commands that other parts of the project own (the agent, the gateway) hand over to their own
 * CLI entry; this maps what such an entry returns to the process's exit code.
 */

/** The exit code of a delegated command: its number, or 0 for anything else (it may keep running). */
export function exitCodeOf(result: unknown): number {
  return typeof result === 'number' ? result : 0;
}
