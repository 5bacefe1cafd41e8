/**
 * Secret references, resolved on the agent's host: `env:NAME` reads the environment variable NAME,
 * `file:NAME` the entry NAME of the secrets file (a JSON object of strings). The central database
 * holds only the references. On POSIX the secrets file must not be accessible to group or others
 * (like ssh's private keys): the agent refuses it otherwise. Resolved values are never logged;
 * errors name the reference, never the value.
 */
import { readFile, stat } from 'node:fs/promises';

export class SecretError extends Error {
  override name = 'SecretError';
}

export interface SecretResolver {
  resolve(ref: string): Promise<string>;
}

export interface SecretResolverOptions {
  secretsFile: string | null;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const refPattern = /^(env|file):([A-Za-z0-9_.-]+)$/;

/** Throws unless the file is private to its owner (POSIX); Windows relies on its ACLs. */
export async function checkSecretsFilePermissions(file: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    throw new SecretError(`cannot read the secrets file ${file}: ${(error as Error).message}`);
  }
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretError(
      `the secrets file ${file} is accessible to group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); ` +
        `the agent refuses to use it: run chmod 600 ${file}`,
    );
  }
}

export function createSecretResolver(options: SecretResolverOptions): SecretResolver {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  // The file is read again when it changed (rotation without restarting the agent).
  let cache: { mtimeMs: number; size: number; values: Record<string, unknown> } | undefined;

  async function fileSecrets(): Promise<Record<string, unknown>> {
    const file = options.secretsFile;
    if (!file) throw new SecretError('a file: secret reference needs a secrets file: start the agent with --secrets-file (or PGAUTOMATOR_SECRETS_FILE)');
    await checkSecretsFilePermissions(file, platform);
    const info = await stat(file);
    if (cache && cache.mtimeMs === info.mtimeMs && cache.size === info.size) return cache.values;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      // The parser's message may quote the file's content: keep only its kind.
      throw new SecretError(`the secrets file ${file} is not valid JSON (${(error as Error).name})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SecretError(`the secrets file ${file} must hold a JSON object of strings`);
    cache = { mtimeMs: info.mtimeMs, size: info.size, values: parsed as Record<string, unknown> };
    return cache.values;
  }

  return {
    async resolve(ref: string): Promise<string> {
      const match = refPattern.exec(ref);
      if (!match) throw new SecretError(`secret reference ${JSON.stringify(ref)} is not env:NAME or file:NAME`);
      const [, kind, name] = match;
      if (kind === 'env') {
        const value = env[name];
        if (value === undefined) throw new SecretError(`secret ${ref}: the environment variable ${name} is not set on this agent's host`);
        return value;
      }
      const values = await fileSecrets();
      const value = values[name];
      if (typeof value !== 'string') {
        throw new SecretError(`secret ${ref}: the secrets file ${options.secretsFile} has no string entry "${name}"`);
      }
      return value;
    },
  };
}
