-- What follows the end of runs, called in the transaction that records it (_finish_run,
-- _abandon_runs, _reap_overdue_runs), so nothing is lost when an agent dies right after reporting:
--  - the downstream jobs of job_trigger are due (trigger_fire, turned into runs by the claim sweep);
--  - a success clears the job's freshness alert and moves its deadline; any end clears the run's
--    duration alert.
-- run_ids: runs already in their final state. retried: those among them queued again (an
-- abandoned run with on_abandon = retry): its retry's end is the one that counts for triggers.
CREATE OR REPLACE FUNCTION pgautomator._run_ended(run_ids bigint[], retried bigint[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
-- Generic plans: the run ids differ on every call, and the custom plan's estimate (1 row for an
-- array of 1) beats the generic one's (10), so every call was planned again (measured: 0.4 plans
-- per run end, about a tenth of a no-op run's database CPU). Every statement here goes by key.
SET plan_cache_mode = force_generic_plan
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fired          int;
  c              record;
  downstream     boolean;
  duration_open  boolean;
  freshness_open boolean;
BEGIN
  -- One statement finds out which of the writes below have anything to do; in most installs none
  -- has (no job_trigger of these jobs, no alert open). Each write was a statement of its own run at
  -- every run end, most of the cost of ending a no-op run (measured with bench/cost-per-run.ts:
  -- the downstream INSERT and the duration UPDATE took a third of agent_report's time). A trigger
  -- or an alert committed between this probe and the write is one committed just after the end.
  SELECT EXISTS (SELECT 1 FROM pgautomator.job_run r JOIN pgautomator.job_trigger t ON t.after_job_id = r.job_id
                  WHERE r.id = ANY (_run_ended.run_ids)),
         EXISTS (SELECT 1 FROM pgautomator.alert x
                  WHERE x.job_run_id = ANY (_run_ended.run_ids) AND x.kind = 'duration' AND x.cleared_at IS NULL),
         EXISTS (SELECT 1 FROM pgautomator.alert x
                  WHERE x.kind = 'freshness' AND x.cleared_at IS NULL
                    AND x.job_id IN (SELECT r.job_id FROM pgautomator.job_run r WHERE r.id = ANY (_run_ended.run_ids) AND r.state = 'succeeded'))
    INTO downstream, duration_open, freshness_open;

  -- Downstream starts.
  IF downstream THEN
    INSERT INTO pgautomator.trigger_fire (job_id, upstream_run_id, due_at)
    SELECT t.job_id, r.id, r.finished_at + t.delay
      FROM pgautomator.job_run r
      JOIN pgautomator.job_trigger t ON t.after_job_id = r.job_id
     WHERE r.id = ANY (_run_ended.run_ids)
       AND r.id <> ALL (coalesce(_run_ended.retried, '{}'))
       AND r.state IN ('succeeded', 'failed', 'killed', 'timed_out', 'abandoned')
       AND (t.outcome = 'finished' OR (t.outcome = 'succeeded') = (r.state = 'succeeded'))
     ORDER BY r.id, t.job_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS fired = ROW_COUNT;
    IF fired > 0 THEN
      -- Wakes the agents: their next claim fires what is due (_fire_triggers); a delayed start is
      -- in their heartbeat's next_due_in.
      PERFORM pgautomator._notify('run_queued', jsonb_build_object('trigger', 'job', 'count', fired));
    END IF;
  END IF;

  -- Alerts: the runs' open duration alerts are cleared.
  IF duration_open THEN
    UPDATE pgautomator.alert x SET cleared_at = r.finished_at, cleared_by_run_id = r.id
      FROM pgautomator.job_run r
     WHERE r.id = ANY (_run_ended.run_ids) AND x.job_run_id = r.id AND x.kind = 'duration' AND x.cleared_at IS NULL;
  END IF;
  -- A success clears an open freshness alert and sets the rule's next deadline. Only then: a
  -- success while no alert is open writes nothing here (the sweep finds the later success when the
  -- old deadline comes, _evaluate_alerts), so reports of concurrent agents take no lock on rules.
  IF freshness_open THEN
    FOR c IN
    WITH ok AS (
      SELECT DISTINCT ON (r.job_id) r.job_id, r.id, r.finished_at
        FROM pgautomator.job_run r
       WHERE r.id = ANY (_run_ended.run_ids) AND r.state = 'succeeded'
       ORDER BY r.job_id, r.finished_at DESC
    ), cleared AS (
      UPDATE pgautomator.alert x SET cleared_at = ok.finished_at, cleared_by_run_id = ok.id
        FROM ok
       WHERE x.job_id = ok.job_id AND x.kind = 'freshness' AND x.cleared_at IS NULL
      RETURNING x.id, x.job_id
    ), moved AS (
      UPDATE pgautomator.alert_rule ar SET due_at = greatest(ar.due_at, ok.finished_at + ar.threshold)
        FROM ok
       WHERE ar.job_id = ok.job_id AND ar.kind = 'freshness' AND ar.job_id IN (SELECT cl.job_id FROM cleared cl)
      RETURNING ar.job_id
    )
    SELECT x.id, x.job_id FROM cleared x
    LOOP
      PERFORM pgautomator._notify('alert_cleared', jsonb_build_object('alert_id', c.id, 'job_id', c.job_id));
    END LOOP;
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._run_ended(bigint[], bigint[]) IS
  'Called where runs reach their final state, in the same transaction: writes the due starts of downstream jobs (job_trigger -> '
  'trigger_fire; not for runs in retried, whose retry decides), clears the runs'' duration alerts, and a success clears the job''s open '
  'freshness alert and sets its next deadline.';
REVOKE ALL ON FUNCTION pgautomator._run_ended(bigint[], bigint[]) FROM PUBLIC;
