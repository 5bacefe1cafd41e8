CREATE OR REPLACE FUNCTION pgautomator._enqueue_mail(job_run_id bigint, event text, step_run_id bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_excerpt  CONSTANT int := 2000;  -- characters of output quoted in a mail (its tail)
  r          pgautomator.job_run;
  j          pgautomator.job;
  sr         pgautomator.step_run;
  s          pgautomator.step;
  email_on   text[];
  email_to   text[];
  sender     text;
  subject    text;
  body       text;
  matched    text;
  recipients text[];
  vals       jsonb;
  started    timestamptz;
  finished   timestamptz;
  output     text;
  new_id     bigint;
BEGIN
  IF _enqueue_mail.event IS NULL OR _enqueue_mail.event NOT IN ('start', 'success', 'failure') THEN
    PERFORM pgautomator._raise('PA002', format('mail event must be start, success or failure, got %L', _enqueue_mail.event), 'field: event');
  END IF;
  -- The usual case first, after one read: no mail is asked for this event (or the run or step is gone).
  IF _enqueue_mail.step_run_id IS NULL THEN
    SELECT x.email_on INTO email_on FROM pgautomator.job x
     WHERE x.id = (SELECT y.job_id FROM pgautomator.job_run y WHERE y.id = _enqueue_mail.job_run_id);
  ELSE
    SELECT x.email_on INTO email_on FROM pgautomator.step x
     WHERE x.id = (SELECT y.step_id FROM pgautomator.step_run y WHERE y.id = _enqueue_mail.step_run_id);
  END IF;
  -- completion = any end: it matches success and failure, never start.
  matched := CASE WHEN _enqueue_mail.event = ANY (email_on) THEN _enqueue_mail.event
                  WHEN _enqueue_mail.event <> 'start' AND 'completion' = ANY (email_on) THEN 'completion' END;
  IF matched IS NULL THEN
    RETURN NULL;
  END IF;

  SELECT x.* INTO r FROM pgautomator.job_run x WHERE x.id = _enqueue_mail.job_run_id;
  IF r.id IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT x.* INTO j FROM pgautomator.job x WHERE x.id = r.job_id;

  IF _enqueue_mail.step_run_id IS NULL THEN
    email_to := j.email_to; sender := j.email_from;
    subject := j.email_subject; body := j.email_body;
    started := r.started_at; finished := r.finished_at;
  ELSE
    SELECT x.* INTO sr FROM pgautomator.step_run x WHERE x.id = _enqueue_mail.step_run_id;
    SELECT x.* INTO s FROM pgautomator.step x WHERE x.id = sr.step_id;
    IF s.id IS NULL THEN
      RETURN NULL;
    END IF;
    email_to := s.email_to; sender := coalesce(s.email_from, j.email_from);
    subject := s.email_subject; body := s.email_body;
    started := sr.started_at; finished := sr.finished_at;
  END IF;

  IF _enqueue_mail.step_run_id IS NULL THEN
    -- Job mail quotes the last step attempt (the one that decided a failure).
    SELECT x.* INTO sr FROM pgautomator.step_run x WHERE x.job_run_id = r.id ORDER BY x.id DESC LIMIT 1;
  END IF;

  -- Operator names become their address (a disabled operator gets nothing); addresses stay.
  SELECT array_agg(y.addr ORDER BY y.ord) INTO recipients
    FROM (SELECT DISTINCT ON (z.addr) z.addr, z.ord
            FROM (SELECT CASE WHEN o.id IS NOT NULL THEN CASE WHEN o.enabled THEN o.email END
                              WHEN t.x LIKE '%@%' THEN t.x END AS addr,
                         t.ord
                    FROM unnest(email_to) WITH ORDINALITY AS t(x, ord)
                    LEFT JOIN pgautomator.operator o ON o.name = t.x) z
           WHERE z.addr IS NOT NULL
           ORDER BY z.addr, z.ord) y;
  IF coalesce(cardinality(recipients), 0) = 0 THEN
    RETURN NULL;
  END IF;

  output := sr.output;
  IF output IS NULL AND sr.id IS NOT NULL THEN
    SELECT string_agg(l.chunk, '' ORDER BY l.id) INTO output
      FROM (SELECT x.id, x.chunk FROM pgautomator.step_log x WHERE x.step_run_id = sr.id ORDER BY x.id DESC LIMIT 50) l;
  END IF;

  vals := jsonb_build_object(
    'job', j.name,
    'run_id', r.id::text,
    'state', CASE WHEN _enqueue_mail.step_run_id IS NULL THEN r.state ELSE sr.state END,
    'agent', coalesce((SELECT a.name FROM pgautomator.agent a WHERE a.id = coalesce(sr.agent_id, r.agent_id)), ''),
    'started_at', coalesce(to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), ''),
    'finished_at', coalesce(to_char(finished AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), ''),
    'duration', coalesce(date_trunc('second', finished - started)::text, ''),
    'message', coalesce(CASE WHEN _enqueue_mail.step_run_id IS NULL THEN r.message ELSE sr.message END, ''),
    'step', coalesce(sr.step_name, ''),
    'output', coalesce(CASE WHEN length(output) > c_excerpt THEN '...' || right(output, c_excerpt) ELSE output END, ''));

  subject := coalesce(subject, CASE
    WHEN _enqueue_mail.step_run_id IS NOT NULL THEN '[pgAutomator] {{job}}: step {{step}} {{state}} (run {{run_id}})'
    WHEN _enqueue_mail.event = 'start' THEN '[pgAutomator] {{job}} started (run {{run_id}})'
    ELSE '[pgAutomator] {{job}} {{state}} (run {{run_id}})' END);
  body := coalesce(body,
    E'Job: {{job}}\nRun: {{run_id}}\nState: {{state}}\nAgent: {{agent}}\nStarted: {{started_at}}\n'
    || E'Finished: {{finished_at}}\nDuration: {{duration}}\nStep: {{step}}\nMessage: {{message}}\n\n'
    || E'Output (excerpt):\n{{output}}\n');

  INSERT INTO pgautomator.notification (job_run_id, step_run_id, event, recipients, sender, subject, body)
  VALUES (r.id, _enqueue_mail.step_run_id, matched, recipients, sender,
          -- A subject is one line: a newline from a value would break the mail header.
          left(regexp_replace(pgautomator._fill_template(subject, vals), '[\r\n]+', ' ', 'g'), 998),
          pgautomator._fill_template(body, vals))
  RETURNING id INTO new_id;
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION pgautomator._enqueue_mail(bigint, text, bigint) IS
  'Writes the mail of a run event (start, success, failure; completion matches both ends) to the notification outbox when the job''s '
  '(or, with step_run_id, the step''s) email_on asks for it: recipients resolved, templates filled. Called in the transaction '
  'that records the outcome, so mail is never lost. Returns the notification id, or NULL when no mail is due.';
REVOKE ALL ON FUNCTION pgautomator._enqueue_mail(bigint, text, bigint) FROM PUBLIC;
