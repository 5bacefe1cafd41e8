/**
 * Where every scheduler's no-op job writes: one row per fire in bench.fire, stamped by the
 * database (clock_timestamp()), never by an agent or daemon, so the three are timed alike.
 *
 * Each job's SQL is the same INSERT. `intended` is the slot the fire belongs to: for jobs firing
 * every minute at second `offset`, bench.slot(offset, clock_timestamp()) is the latest such slot
 * at or before the fire (so a fire is attributed correctly as long as it is less than a minute
 * late; a later fire would show as early as it is late modulo 60 s, which the run counts reveal);
 * for a herd, the literal instant.
 */
import type pg from 'pg';

export const schedulers = ['ours', 'pg_cron', 'pgAgent'] as const;
export type SchedulerName = (typeof schedulers)[number];

export async function createFireLog(client: pg.Pool): Promise<void> {
  await client.query(`
    CREATE SCHEMA bench;
    CREATE TABLE bench.fire (
      scheduler text NOT NULL,
      key       text NOT NULL,
      intended  timestamptz NOT NULL,
      fired_at  timestamptz NOT NULL
    );
    CREATE INDEX ON bench.fire (scheduler, key);
    COMMENT ON TABLE bench.fire IS 'One row per fire of a benchmark job; fired_at from clock_timestamp() in the job itself.';
    CREATE FUNCTION bench.slot(offset_s int, at timestamptz) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN date_trunc('minute', at) + make_interval(secs => offset_s) <= at
                    THEN date_trunc('minute', at) + make_interval(secs => offset_s)
                    ELSE date_trunc('minute', at) + make_interval(secs => offset_s) - interval '1 minute' END
      $$;
    -- The table pgbench inserts into for the machine's ceiling.
    CREATE TABLE bench.ceiling (id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz DEFAULT clock_timestamp());
  `);
}

/** The SQL each job runs, built server-side with format(%L) so values are quoted by PostgreSQL. */
export const fireSqlExpression = {
  /** A spread job: `$scheduler`, key and offset from SQL expressions of the calling statement. */
  spread: (scheduler: string, keyExpr: string, offsetExpr: string) =>
    `format('INSERT INTO bench.fire (scheduler, key, intended, fired_at) VALUES (%L, %L, bench.slot(%s, clock_timestamp()), clock_timestamp())', ${scheduler}, ${keyExpr}, ${offsetExpr})`,
  /** A herd job: all due at one literal instant. */
  herd: (scheduler: string, keyExpr: string, instantExpr: string) =>
    `format('INSERT INTO bench.fire (scheduler, key, intended, fired_at) VALUES (%L, %L, %L::timestamptz, clock_timestamp())', ${scheduler}, ${keyExpr}, ${instantExpr})`,
};
