/**
 * `pgautomator agent [options]` (and `node --import tsx agent/src/cli.ts [options]`): parses the
 * flags with node:util parseArgs, resolves the configuration and runs the agent until SIGTERM or
 * SIGINT. runAgentCli resolves to the exit code.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, optionSpecs, optionsHelp } from './config.ts';
import { SecretError, checkSecretsFilePermissions } from './secrets.ts';
import { ScrapeTokenError, readScrapeToken } from '../../client/scrape-token.ts';

export const agentHelp = `pgautomator agent: run an agent on this host

Connects to the central database, claims due runs of the jobs it may run, executes their steps
(shell commands here, SQL against any database), streams their output back, sends the outbox's
mail and obeys kill requests. Runs until SIGTERM or SIGINT (a second signal kills running steps).

Usage: pgautomator agent [options]

Options (a flag wins over its environment variable, which wins over the config file):
${optionsHelp()}
`;

export async function runAgentCli(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`pgautomator agent: ${(error as Error).message}\nRun \`pgautomator agent --help\` for the options.\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(agentHelp);
    return 0;
  }
  let config;
  try {
    config = loadConfig({ flags: parsed.values as Record<string, string | boolean | undefined> });
    if (config.secretsFile) await checkSecretsFilePermissions(config.secretsFile);
    // Read once here so that a missing or empty file stops the agent before it registers.
    if (config.metricsTokenFile) readScrapeToken(config.metricsTokenFile);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SecretError || error instanceof ScrapeTokenError) {
      process.stderr.write(`pgautomator agent: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // Loaded after the configuration is known good: --help and errors stay fast.
  const { runAgent } = await import('./main.ts');
  await runAgent(config);
  return 0;
}

function parse(argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string' },
  };
  for (const spec of optionSpecs) options[spec.flag] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAgentCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`pgautomator agent: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
