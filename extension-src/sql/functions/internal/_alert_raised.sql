-- What raising an alert sends, in the transaction that raises it: mail to the job's recipients
-- (email_to: operators or addresses, whatever the job's email_on) through the outbox, and an event.
CREATE OR REPLACE FUNCTION pgautomator._alert_raised(alert_id bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  al         pgautomator.alert;
  j          pgautomator.job;
  recipients text[];
BEGIN
  SELECT x.* INTO al FROM pgautomator.alert x WHERE x.id = _alert_raised.alert_id;
  SELECT x.* INTO j FROM pgautomator.job x WHERE x.id = al.job_id;
  -- Operator names become their address (a disabled operator gets nothing), as in _enqueue_mail.
  SELECT array_agg(y.addr ORDER BY y.ord) INTO recipients
    FROM (SELECT DISTINCT ON (z.addr) z.addr, z.ord
            FROM (SELECT CASE WHEN o.id IS NOT NULL THEN CASE WHEN o.enabled THEN o.email END
                              WHEN t.x LIKE '%@%' THEN t.x END AS addr,
                         t.ord
                    FROM unnest(j.email_to) WITH ORDINALITY AS t(x, ord)
                    LEFT JOIN pgautomator.operator o ON o.name = t.x) z
           WHERE z.addr IS NOT NULL
           ORDER BY z.addr, z.ord) y;
  IF coalesce(cardinality(recipients), 0) > 0 THEN
    INSERT INTO pgautomator.notification (job_run_id, event, recipients, sender, subject, body, next_attempt_at)
    VALUES (al.job_run_id, 'alert', recipients, j.email_from,
            left(regexp_replace(format('[pgAutomator] ALERT %s: %s', al.kind, j.name), '[\r\n]+', ' ', 'g'), 998),
            format(E'Alert: %s\nJob: %s\nRaised: %s\n\n%s\n\nAcknowledge: SELECT pgautomator.acknowledge_alert(%s);\n',
                   al.kind, j.name, to_char(al.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), al.message, al.id),
            least(now(), al.raised_at));
  END IF;
  PERFORM pgautomator._notify('alert_raised', jsonb_build_object('alert_id', al.id, 'job', j.name, 'kind', al.kind, 'run_id', al.job_run_id));
END
$$;
COMMENT ON FUNCTION pgautomator._alert_raised(bigint) IS 'Writes the mail of a raised alert to the outbox (to the job''s email_to recipients) and NOTIFYs alert_raised.';
REVOKE ALL ON FUNCTION pgautomator._alert_raised(bigint) FROM PUBLIC;
