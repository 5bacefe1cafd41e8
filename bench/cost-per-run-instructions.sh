#!/bin/sh
# Instructions per no-op run, this checkout against another (issue 18): the work each install does,
# counted rather than timed. bench/cost-per-run-twin.ts times the agent backends' CPU, and on a
# shared virtual machine even its ratio moves with the box's state (0.39-0.68 for the same two
# installs in one day, bench/README.md session 12): the slower the box, the more the install that
# runs more code loses. An instruction count does not move. This VM exposes no hardware counters
# (perf stat: instructions not supported), so the count is callgrind's: a throwaway PostgreSQL
# server runs under valgrind --tool=callgrind, which writes one file per backend at its exit; the
# twin (same arguments as bench/cost-per-run-twin.ts) runs against it and names each arm's agent
# and fold backends; their instructions are divided by the runs each agent handled. Twice, with
# ROUNDS and twice as many rounds: the difference leaves out what a backend does once. Only user-space instructions are counted: the kernel's part of a call (the socket,
# the commit's WAL flush) is the same per call for both installs and is left out, so this ratio
# reads lower than a CPU-time ratio would with the same code.
#
# Usage: sh bench/cost-per-run-instructions.sh --checkout PATH    (or a REF of this repository)
# Needs: root (the server runs as postgres), valgrind (apt-get install valgrind), PostgreSQL 15's
# server binaries. About 30 times slower than the server alone: 100 and then 200 rounds per arm
# (the default here) take about 10 minutes.
# Env: PORT (default 5442), PG_BIN (default /usr/lib/postgresql/15/bin), KEEP=1 (keep the
#      callgrind files: callgrind_annotate FILE shows where each backend's instructions went),
#      and the twin's (PGAUTOMATOR_BENCH_ROUNDS, _CLAIM, _ROUND_FIRES, _TWIN_HISTORY).
set -eu
PORT=${PORT:-5442}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/pgat-callgrind-XXXXXX)
mkdir "$DIR/out"
chown -R postgres "$DIR"
su postgres -c "$PG_BIN/initdb -D $DIR/data --auth=trust -U postgres" >"$DIR/initdb.log" 2>&1
su postgres -c "exec valgrind --tool=callgrind --callgrind-out-file=$DIR/out/cg.%p $PG_BIN/postgres -D $DIR/data -p $PORT -k $DIR -c listen_addresses=127.0.0.1" >"$DIR/server.log" 2>&1 &
SERVER=$!
stop() {
  kill -INT "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "callgrind files kept in $DIR/out" >&2; else rm -rf "$DIR"; fi
}
trap stop EXIT
URL=postgres://postgres@127.0.0.1:$PORT/postgres
for _ in $(seq 1 120); do
  psql "$URL" -Atc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 1
done
psql "$URL" -Atc 'SELECT 1' >/dev/null || { echo "the server under callgrind did not start:" >&2; tail "$DIR/server.log" >&2; exit 2; }

# A backend's instructions: callgrind's totals for its process, written when it exits.
own() {
  f="$DIR/out/cg.$1"
  for _ in $(seq 1 60); do grep -q '^totals:' "$f" 2>/dev/null && break; sleep 1; done
  awk '/^totals:/ { t = $2 } END { printf "%d", t }' "$f"
}

# The twin twice, ROUNDS and twice ROUNDS rounds per arm, on the same server: the difference is
# the measured rounds alone, without what a backend does once (connecting, registering, compiling
# the PL/pgSQL functions on first call, the warm-up), which favours the install that runs less code.
ROUNDS=${PGAUTOMATOR_BENCH_ROUNDS:-100}
TWIN_ARGS="$*"  # (set -- below reuses the positional parameters)
for rounds in "$ROUNDS" $((2 * ROUNDS)); do
  echo "== $rounds rounds per arm"
  PGAUTOMATOR_BENCH_ROUNDS=$rounds PGAUTOMATOR_TEST_DATABASE_URL=$URL \
    npx tsx bench/cost-per-run-twin.ts $TWIN_ARGS 2>"$DIR/twin.err" | tee "$DIR/twin.out"
  grep -q '^backends: ' "$DIR/twin.err" || { cat "$DIR/twin.err" >&2; exit 1; }
  for label in head ref; do
    set -- $(grep "^backends: $label " "$DIR/twin.err")
    agent=$4 fold=$6 runs=$8
    f=0
    [ "$fold" != 0 ] && f=$(own "$fold")
    echo "$label $rounds $runs $(own "$agent") $f" >>"$DIR/counts"
  done
done

echo
echo '| arm | runs measured | instructions per run: agent backend | the fold | in all |'
echo '|---|---:|---:|---:|---:|'
awk '
  { runs[$1, NR > 2] = $3; agent[$1, NR > 2] = $4; fold[$1, NR > 2] = $5 }
  END {
    for (i = 0; i < 2; i++) {
      l = i == 0 ? "head" : "ref"
      r = runs[l, 1] - runs[l, 0]; a = (agent[l, 1] - agent[l, 0]) / r; f = (fold[l, 1] - fold[l, 0]) / r
      per[l] = a + f
      printf "| %s | %d | %.0f | %.0f | **%.0f** |\n", l, r, a, f, a + f
    }
    printf "\nhead / ref, instructions per run: **%.3f**\n", per["head"] / per["ref"]
  }' "$DIR/counts"
