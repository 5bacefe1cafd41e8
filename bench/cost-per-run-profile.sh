#!/bin/sh
# Where a no-op run's database CPU goes inside the server, by stage (perf): runs
# bench/cost-per-run.ts (history 0), records its agent backend with `perf record -g` for a while in
# the middle of the measurement, and prints each stage's inclusive share of the samples (parse and
# plan, executor start, run and finish, foreign-key triggers, constraints, commit, GUC changes of
# the functions' SET clauses, network). pg_stat_statements cannot say this: it leaves out executor
# start-up and commit, which are most of a call's fixed cost (bench/README.md, 2026-12-06 session 10).
# Needs: perf (Debian package linux-perf) and root; the server's binary keeps its exported symbols.
# Usage: sh bench/cost-per-run-profile.sh
# Env: RECORD_S (seconds recorded, default 20), OUT (perf.data, default /tmp/cost-per-run.perf),
#      PGAUTOMATOR_BENCH_CLAIM, PGAUTOMATOR_BENCH_ROUND_FIRES (as bench/cost-per-run.ts),
#      PGAUTOMATOR_TEST_DATABASE_URL (a server of its own is best).
set -eu
RECORD_S=${RECORD_S:-20}
OUT=${OUT:-/tmp/cost-per-run.perf}
URL=${PGAUTOMATOR_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
LOG=$(mktemp)
PGAUTOMATOR_BENCH_HISTORY=0 PGAUTOMATOR_BENCH_RUNS=${PGAUTOMATOR_BENCH_RUNS:-200000} npx tsx bench/cost-per-run.ts >"$LOG" 2>&1 &
BENCH=$!
trap 'kill $BENCH 2>/dev/null || true; rm -f "$LOG"' EXIT
pid=''
for _ in $(seq 1 120); do
  pid=$(psql "$URL" -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = 'bench-cost-agent' LIMIT 1" 2>/dev/null || true)
  [ -n "$pid" ] && break
  sleep 0.5
done
[ -n "$pid" ] || { echo "the benchmark's agent never connected:" >&2; cat "$LOG" >&2; exit 1; }
sleep 8 # past the fixture and the warm-up rounds
perf record -F 2000 -g -p "$pid" -o "$OUT" -- sleep "$RECORD_S" >/dev/null 2>&1
echo "agent backend $pid, $RECORD_S s recorded ($OUT); inclusive share of the samples:"
perf report -i "$OUT" --children --sort sym -g none 2>/dev/null |
  grep -E '\] (PortalRun|plpgsql_exec_function|SPI_execute_plan_with_paramlist|standard_ExecutorStart|ExecInitNode|standard_ExecutorRun|standard_ExecutorFinish|standard_ExecutorEnd|AfterTriggerEndQuery|ExecConstraints|ExecInsertIndexTuples|heap_update|heap_insert|GetCachedPlan|pg_parse_query|parse_analyze_varparams|pg_plan_queries|CommitTransactionCommand|XLogFlush|ProcessGUCArray|AtEOXact_GUC|jsonb_build_object|do_syscall_64)$' |
  awk '{print $1, $4}' | sort -k1 -rn
