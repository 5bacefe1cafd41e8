/**
 * What the quick start keeps in its data directory between runs:
 *
 *   <data dir>/postgres/          the embedded cluster (PGDATA), owned by the user postgres runs as
 *   <data dir>/postgres.log       its log
 *   <data dir>/credentials.json   generated passwords (mode 0600): superuser, UI admin, agent, gateway, demo
 *   <data dir>/state.json         ports used, when the demo jobs were created
 *   <data dir>/run.json           while running: our pid and the pids of postgres, agent and UI
 *   <data dir>/agent.spool        the agent's spool (results kept while the database is away)
 *
 * With DATABASE_URL the same files (but no cluster) live in <data dir>/databases/<host>-<port>-<db>/,
 * so quick starts against several databases keep their own passwords.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.ts';

export interface Login {
  user: string;
  password: string;
}

export interface Credentials {
  /** Embedded cluster only: the superuser `postgres`. */
  superuser?: Login;
  admin: Login;
  agent: Login;
  gateway: Login;
  demo: Login;
}

export interface QuickStartState {
  /** The database port last used (embedded), reused when free so the demo connection stays valid. */
  port?: number;
  uiPort?: number;
  demoCreatedAt?: string;
}

export interface RunInfo {
  pid: number;
  startedAt: string;
  postgresPid?: number;
  agentPid?: number;
  uiPid?: number;
  uiUrl?: string;
}

export const roleNames = {
  admin: 'pga_admin',
  agent: 'pga_agent',
  gateway: 'pga_gateway',
  demo: 'pga_demo',
} as const;

export const newPassword = () => randomBytes(18).toString('base64url');

export class QuickStartFiles {
  constructor(readonly dir: string) {}

  get pgdata() {
    return path.join(this.dir, 'postgres');
  }
  get postgresLog() {
    return path.join(this.dir, 'postgres.log');
  }
  get credentialsFile() {
    return path.join(this.dir, 'credentials.json');
  }
  get stateFile() {
    return path.join(this.dir, 'state.json');
  }
  get runFile() {
    return path.join(this.dir, 'run.json');
  }
  get agentSpool() {
    return path.join(this.dir, 'agent.spool');
  }

  /** Creates the directory; `mode` 0o711 when another OS user (postgres's) must pass through it. */
  ensureDir(mode: number): void {
    mkdirSync(this.dir, { recursive: true, mode });
  }

  private readJson<T>(file: string): T | undefined {
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, { hint: 'restore or remove it', cause: error });
    }
  }

  /** Written whole then renamed, so a crash never leaves half a file. */
  private writeJson(file: string, value: unknown, mode: number): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
    renameSync(tmp, file);
  }

  /** The saved credentials, completed with new passwords for what is missing (and saved, 0600). */
  credentials(withSuperuser: boolean): { credentials: Credentials; created: boolean } {
    const saved = this.readJson<Partial<Credentials>>(this.credentialsFile) ?? {};
    const login = (key: keyof typeof roleNames): Login => saved[key] ?? { user: roleNames[key], password: newPassword() };
    const credentials: Credentials = {
      ...(withSuperuser ? { superuser: saved.superuser ?? { user: 'postgres', password: newPassword() } } : {}),
      admin: login('admin'),
      agent: login('agent'),
      gateway: login('gateway'),
      demo: login('demo'),
    };
    const created = JSON.stringify(saved) !== JSON.stringify(credentials);
    if (created) this.writeJson(this.credentialsFile, credentials, 0o600);
    return { credentials, created };
  }

  state(): QuickStartState {
    return this.readJson<QuickStartState>(this.stateFile) ?? {};
  }

  saveState(state: QuickStartState): void {
    this.writeJson(this.stateFile, state, 0o644);
  }

  runInfo(): RunInfo | undefined {
    return this.readJson<RunInfo>(this.runFile);
  }

  saveRunInfo(info: RunInfo): void {
    this.writeJson(this.runFile, info, 0o644);
  }

  clearRunInfo(): void {
    rmSync(this.runFile, { force: true });
  }
}

/** The directory for a quick start against an external database (see above). */
export function externalStateDir(dataDir: string, target: { host: string; port: number; database: string }): string {
  const slug = `${target.host}-${target.port}-${target.database}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return path.join(dataDir, 'databases', slug);
}
