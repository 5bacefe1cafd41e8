#!/bin/sh
# Alternates bench/cost-per-run.ts between checkouts (each built: npm run build), N rounds, so that
# a drifting machine moves every checkout's figures alike; prints each table row with its checkout
# and round. Copy this checkout's bench/cost-per-run.ts into older checkouts first.
# Usage: sh bench/cost-per-run-ab.sh /path/to/checkout-a /path/to/checkout-b ...
# Env: N (rounds, default 3), PGAUTOMATOR_BENCH_HISTORY (default 0,1000000),
#      PGAUTOMATOR_TEST_DATABASE_URL (a server of its own is best: the runs drop their databases).
set -eu
N=${N:-3}
export PGAUTOMATOR_BENCH_HISTORY="${PGAUTOMATOR_BENCH_HISTORY:-0,1000000}"
for i in $(seq 1 "$N"); do
  for checkout in "$@"; do
    (cd "$checkout" && npx tsx bench/cost-per-run.ts 2>/dev/null | grep '^| [0-9]' | sed "s|^|$checkout round $i |")
  done
done
