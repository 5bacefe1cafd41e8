/**
 * The login roles the quick start creates (the UI admin, the agent, the gateway, the demo SQL
 * target): CREATE/ALTER ROLE, DDL like the installer, so outside the API. Their pgautomator
 * access is then granted through the API (grant_role). Passwords reach the server only as
 * SCRAM-SHA-256 verifiers computed here, so no cleartext password lands in a server log.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { CliError } from './cli-error.ts';
import type { Login } from './quick-start-state.ts';

/** The verifier PostgreSQL stores for `password` (RFC 5802/7677, as pg's own client computes it). */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Creates `login` as a LOGIN role, or sets its password when it exists. */
export async function ensureLoginRole(client: pg.ClientBase, login: Login): Promise<'created' | 'updated'> {
  const exists = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [login.user]);
  const verb = exists.rows.length > 0 ? 'ALTER' : 'CREATE';
  try {
    await client.query(`${verb} ROLE ${client.escapeIdentifier(login.user)} LOGIN PASSWORD ${client.escapeLiteral(scramVerifier(login.password))}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new CliError(`cannot ${verb.toLowerCase()} the login role ${login.user}: ${(error as Error).message}`, {
        hint: 'the quick start needs a database user with CREATEROLE (or a superuser) in DATABASE_URL',
        cause: error,
      });
    }
    throw error;
  }
  return verb === 'CREATE' ? 'created' : 'updated';
}
