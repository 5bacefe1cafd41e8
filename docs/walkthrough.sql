-- Five minutes in psql: a schedule, a job, a step, attach, start, watch, kill.
-- Run it with: psql -d yourdb -f docs/walkthrough.sql  (an agent must be running to see runs finish)

-- 1. A schedule: every 15 minutes on weekdays from 08:00 to 18:00, Berlin time.
SELECT pgautomator.create_schedule('office-hours', '{
  "type": "weekly", "weekdays": ["mon","tue","wed","thu","fri"], "start_date": "2026-01-05",
  "time_zone": "Europe/Berlin",
  "sub": {"type": "every", "every": 15, "unit": "minute", "start_time": "08:00", "end_time": "18:00"}
}');
-- Its next fires, computed by the database:
SELECT * FROM pgautomator.schedule_preview((SELECT spec FROM pgautomator.schedules WHERE name = 'office-hours'), count => 5);

-- 2. A job with two steps: a shell command, then a retrying one.
SELECT pgautomator.create_job('disk-report', description => 'Disk usage of /var', timeout => '10 minutes');
SELECT pgautomator.add_step('disk-report', 'df', 'shell', 'df -h /var');
SELECT pgautomator.add_step('disk-report', 'flaky', 'shell', 'test $((RANDOM % 2)) -eq 0', retries => 3, retry_delay => '2 seconds');

-- 3. Attach the schedule: the database now knows when the job fires next.
SELECT pgautomator.attach_schedule('disk-report', 'office-hours');
SELECT name, next_run_at FROM pgautomator.jobs WHERE name = 'disk-report';

-- 4. Start it now, by hand, and watch it.
SELECT pgautomator.start_job('disk-report') AS run_id \gset
SELECT pg_sleep(5);  -- give the agent a moment (or repeat the next query with \watch 1)
SELECT id, job, state, agent, started_at, finished_at FROM pgautomator.runs WHERE id = :run_id;
SELECT position, step, attempt, state, exit_code, output FROM pgautomator.step_runs WHERE run_id = :run_id ORDER BY id;

-- 5. A long one, and kill it.
SELECT pgautomator.create_job('long-sleep');
SELECT pgautomator.add_step('long-sleep', 'sleep', 'shell', 'sleep 600');
SELECT pgautomator.start_job('long-sleep') AS long_run \gset
SELECT pg_sleep(3);
SELECT pgautomator.kill_run(:long_run);   -- 'cancelled' if still queued, 'kill_requested' if running
SELECT pg_sleep(2);
SELECT id, state, message FROM pgautomator.runs WHERE id = :long_run;

-- What is running, and on which agents:
SELECT * FROM pgautomator.running;
SELECT name, host, state, online, last_heartbeat_at FROM pgautomator.agents;
