-- Five minutes in psql: health, a schedule, a job and its steps, attach, start, watch, kill.
-- Run it with: psql -d yourdb -f docs/walkthrough.sql   (with an agent running: npm start runs one)
-- Lines starting with --> are what psql prints (test/walkthrough.test.ts runs this file with an
-- agent and compares; only times differ from one run to the next).

\x auto
--> Expanded display is used automatically.
SET timezone = 'Europe/Berlin';
--> SET

-- 0. Health in one row: agents, runs, failures, mail, engine and version.
SELECT * FROM pgautomator.status();
--> -[ RECORD 1 ]----+--------
--> agents_online    | 1
--> agents_draining  | 0
--> agents_silent    | 0
--> runs_running     | 0
--> runs_queued      | 0
--> runs_late        | 0
--> failed_last_hour | 0
--> failed_last_day  | 0
--> jobs_failing     | 0
--> failing_jobs     | {}
--> mail_waiting     | 0
--> engine           | plpgsql
--> version          | 0.1.0

-- 1. A schedule: every 15 minutes on weekdays from 08:00 to 18:00, Berlin time.
SELECT pgautomator.create_schedule('office-hours', '{
  "type": "weekly", "weekdays": ["mon","tue","wed","thu","fri"], "start_date": "2026-01-05",
  "time_zone": "Europe/Berlin",
  "sub": {"type": "every", "every": 15, "unit": "minute", "start_time": "08:00", "end_time": "18:00"}
}');
-->  create_schedule
--> -----------------
-->                1
--> (1 row)

-- Its next fires, computed by the database (here after Friday 27 March 2026, 17:20: summer time
-- begins on Sunday):
SELECT * FROM pgautomator.schedule_preview((SELECT spec FROM pgautomator.schedules WHERE name = 'office-hours'),
  after => '2026-03-27 17:20', count => 5);
-->     schedule_preview
--> ------------------------
-->  2026-03-27 17:30:00+01
-->  2026-03-27 17:45:00+01
-->  2026-03-27 18:00:00+01
-->  2026-03-30 08:00:00+02
-->  2026-03-30 08:15:00+02
--> (5 rows)

-- 2. A job with two steps: a shell command, then one that would be retried up to 3 times.
SELECT pgautomator.create_job('disk-report', description => 'Disk usage of /var', timeout => '10 minutes');
-->  create_job
--> ------------
-->           1
--> (1 row)
SELECT pgautomator.add_step('disk-report', 'df', 'shell', 'df -h /var');
-->  add_step
--> ----------
-->         1
--> (1 row)
SELECT pgautomator.add_step('disk-report', 'check', 'shell', 'test -d /var/log', retries => 3, retry_delay => '2 seconds');
-->  add_step
--> ----------
-->         2
--> (1 row)

-- A mistake says what is wrong, which field, and what to do (psql stops a script here unless
-- ON_ERROR_STOP is off; this file expects it off):
SELECT pgautomator.create_job('nightly', overlap => 'sometimes');
--> ERROR:  job overlap must be one of skip, queue_one, queue_all, cancel_previous, allow (got "sometimes")
--> DETAIL:  field: overlap
--> HINT:  Pass overlap => 'skip' (or another of the listed values).
--> CONTEXT:  PL/pgSQL function pgautomator.create_job(text,text,text,text,text[],text,text,interval,interval,text,integer,integer,interval,boolean) line 41 at RAISE

-- 3. Attach the schedule: the database now knows when the job fires next.
SELECT pgautomator.attach_schedule('disk-report', 'office-hours');
-->  attach_schedule
--> -----------------
-->
--> (1 row)
SELECT name, enabled, steps, schedules, next_run_at FROM pgautomator.jobs WHERE name = 'disk-report';
-->     name     | enabled | steps |   schedules    |      next_run_at
--> -------------+---------+-------+----------------+------------------------
-->  disk-report | t       |     2 | {office-hours} | 2026-12-07 08:00:00+01
--> (1 row)

-- 4. Start it now, by hand, and wait for it to end (by hand: repeat the runs query, or end it with \watch 1).
SELECT pgautomator.start_job('disk-report') AS run_id \gset
DO $$ BEGIN
  WHILE EXISTS (SELECT 1 FROM pgautomator.running WHERE job = 'disk-report') AND clock_timestamp() < now() + interval '60 seconds' LOOP
    PERFORM pg_sleep(0.2);
  END LOOP;
END $$;
--> DO
SELECT job, trigger, state, agent, message FROM pgautomator.runs WHERE id = :run_id;
-->      job     | trigger |   state   |   agent   | message
--> -------------+---------+-----------+-----------+---------
-->  disk-report | manual  | succeeded | db-host-1 |
--> (1 row)
SELECT position, step, attempt, state, exit_code, split_part(output, E'\n', 1) AS first_line
  FROM pgautomator.step_runs WHERE run_id = :run_id ORDER BY id;
--> -[ RECORD 1 ]------------------------------------------------
--> position   | 1
--> step       | df
--> attempt    | 1
--> state      | succeeded
--> exit_code  | 0
--> first_line | Filesystem      Size  Used Avail Use% Mounted on
--> -[ RECORD 2 ]------------------------------------------------
--> position   | 2
--> step       | check
--> attempt    | 1
--> state      | succeeded
--> exit_code  | 0
--> first_line |

-- 5. A long one, and kill it once it runs.
SELECT pgautomator.create_job('long-sleep');
-->  create_job
--> ------------
-->           2
--> (1 row)
SELECT pgautomator.add_step('long-sleep', 'sleep', 'shell', 'sleep 600');
-->  add_step
--> ----------
-->         3
--> (1 row)
SELECT pgautomator.start_job('long-sleep') AS long_run \gset
DO $$ BEGIN
  WHILE NOT EXISTS (SELECT 1 FROM pgautomator.running WHERE job = 'long-sleep' AND state = 'running') AND clock_timestamp() < now() + interval '60 seconds' LOOP
    PERFORM pg_sleep(0.2);
  END LOOP;
END $$;
--> DO
SELECT pgautomator.kill_run(:long_run);   -- 'cancelled' if still queued, 'kill_requested' if running
-->     kill_run
--> ----------------
-->  kill_requested
--> (1 row)
DO $$ BEGIN
  WHILE EXISTS (SELECT 1 FROM pgautomator.running WHERE job = 'long-sleep') AND clock_timestamp() < now() + interval '60 seconds' LOOP
    PERFORM pg_sleep(0.2);
  END LOOP;
END $$;
--> DO
SELECT job, state FROM pgautomator.runs WHERE id = :long_run;
-->     job     | state
--> ------------+--------
-->  long-sleep | killed
--> (1 row)

-- 6. The agents, and health again.
SELECT name, state, online, running FROM pgautomator.agents;
-->    name    | state  | online | running
--> -----------+--------+--------+---------
-->  db-host-1 | online | t      |       0
--> (1 row)
SELECT * FROM pgautomator.status();
--> -[ RECORD 1 ]----+--------
--> agents_online    | 1
--> agents_draining  | 0
--> agents_silent    | 0
--> runs_running     | 0
--> runs_queued      | 0
--> runs_late        | 0
--> failed_last_hour | 0
--> failed_last_day  | 0
--> jobs_failing     | 0
--> failing_jobs     | {}
--> mail_waiting     | 0
--> engine           | plpgsql
--> version          | 0.1.0
