/**
 * A test that cannot run its check says so instead of passing: `skip(reason)` prints
 * `# SKIP <reason>` and the test returns. uvu 0.5 has no skip at run time, so it counts the test
 * passed; scripts/run-tests.ts counts each such line as a skip and prints the reason.
 *
 *   if (!available) return skip('the server has no pgautomator extension files: ...');
 */
export function skip(reason: string): void {
  console.log(`# SKIP ${reason.replace(/\s*\n\s*/g, ' ')}`);
}
