/**
 * A poor man's profile of the database while a scenario runs: pg_stat_activity sampled every
 * 100 ms, counting what each active backend is doing (its statement's start and its wait event).
 * The shares say which statement the time goes to and what it waits on (a lock, WAL flush at
 * commit, CPU when no wait event); the report quotes them where ours misses a target.
 */
import type pg from 'pg';

export interface ActivityProfile {
  samples: number;
  /** "wait event | statement" -> share of the active-backend samples, largest first. */
  top: { what: string; share: number }[];
}

export function sampleActivity(pool: pg.Pool, intervalMs = 100): { stop(): Promise<ActivityProfile> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { rows } = await pool.query(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
             FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        samples++;
        for (const r of rows) {
          const key = `${r.wait} | ${r.query}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      } catch {
        // the cluster may be stopping; the profile is best effort
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([what, n]) => ({ what, share: n / total }));
      return { samples, top };
    },
  };
}

export function describeProfile(label: string, profile: ActivityProfile): string {
  if (profile.top.length === 0) return `${label}: no active statement seen in ${profile.samples} samples.`;
  return `${label} (pg_stat_activity, ${profile.samples} samples every 100 ms; share of active-backend samples, wait event | statement): ${profile.top
    .map((t) => `${(t.share * 100).toFixed(0)} % \`${t.what.replace(/`/g, "'")}\``)
    .join('; ')}.`;
}
