CREATE OR REPLACE FUNCTION pgautomator.log_step(step_run_id bigint, chunk text, stream text DEFAULT 'stdout')
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- Bytes stored per step run, all chunks and the note that output stops being stored (under 256
  -- bytes) together: the part of a chunk that fits is stored, the rest only counted.
  c_keep   CONSTANT bigint := pgautomator._stored_text_limit('output');
  c_chunks CONSTANT bigint := c_keep - 256;
  s      pgautomator.step_run;
  before bigint;
  bytes  bigint := octet_length(coalesce(log_step.chunk, ''));
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF log_step.stream IS NULL OR log_step.stream NOT IN ('stdout', 'stderr', 'notice', 'info') THEN
    PERFORM pgautomator._raise('PA002', format('stream must be stdout, stderr, notice or info, got %L', log_step.stream),
      'field: stream', 'stdout and stderr of shell steps, notice for server notices of SQL steps, info for agent remarks.');
  END IF;
  -- No row lock on the run: logging is frequent and must not queue behind kill requests.
  s := pgautomator._running_step_run(log_step.step_run_id, false);
  IF bytes = 0 THEN
    RETURN;
  END IF;
  UPDATE pgautomator.step_run x SET output_bytes = x.output_bytes + bytes
   WHERE x.id = s.id
  RETURNING x.output_bytes - bytes INTO before;
  -- output_bytes counts every byte sent; chunks were stored whole while it stayed within c_chunks,
  -- so what is stored is at most c_chunks: this chunk gets what is left of it (cut between
  -- characters), and the one that reaches the bound leaves a note.
  IF before < c_chunks THEN
    INSERT INTO pgautomator.step_log (step_run_id, stream, chunk)
    VALUES (s.id, log_step.stream, CASE WHEN before + bytes <= c_chunks THEN log_step.chunk
                                        ELSE pgautomator._text_head(log_step.chunk, c_chunks - before) END);
    IF before + bytes >= c_chunks THEN
      INSERT INTO pgautomator.step_log (step_run_id, stream, chunk)
      VALUES (s.id, 'info', format(E'\n[pgautomator: the first %s bytes of output are stored; further output is counted, not stored here]\n', c_chunks));
    END IF;
  END IF;
  -- Small payload: listeners fetch the output through the API.
  PERFORM pgautomator._notify('step_output', jsonb_build_object('step_run_id', s.id, 'run_id', s.job_run_id));
END
$$;
COMMENT ON FUNCTION pgautomator.log_step(bigint, text, text) IS
  'Agent protocol: appends a chunk of a running step''s output (stream stdout, stderr, notice or info). At most 1 MB is stored '
  'per step run (the part of a chunk that fits, cut between characters, and a note); the rest is dropped but still counted in step_run.output_bytes. NOTIFYs step_output with the step_run id.';
REVOKE ALL ON FUNCTION pgautomator.log_step(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.log_step(bigint, text, text) TO pgautomator_agent;
