#!/usr/bin/env bash
# The dashboard's cost to dispatch (issue 14): `sweep run` of N no-op tasks with two local
# workers, (a) without --http, (b) with --http and nobody reading it, (c) with --http and a client
# fetching /metrics every 100 ms. Prints each round's tasks/s (tasks / the command's wall time,
# worker start-up included alike in all three), the medians, and the ratios c/a and b/a.
# Usage: Benchmarks/dispatch-http.sh [--tasks 20000] [--repeats 3] [--workers 2] [--slots 8]
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=20000 repeats=3 workers=2 slots=8
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --slots) slots=$2; shift 2 ;;
    *) echo "usage: $0 [--tasks N] [--repeats R] [--workers W] [--slots S]" >&2; exit 2 ;;
  esac
done
# SWEEP_BINARY=path skips the build (e.g. a debug binary for a quick look; numbers are release's).
if [ -n "${SWEEP_BINARY:-}" ]; then
  sweep=$SWEEP_BINARY
else
  scratch=${SWEEP_RELEASE_SCRATCH:-.build}
  swift build -c release --product sweep --scratch-path "$scratch" >/dev/null
  sweep=$scratch/release/sweep
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/spec.yaml" <<SPEC
name: dispatch-http
cv: {folds: 2}
trainer: {model: noop}
space: {score: {int: [0, $((tasks / 2 - 1))]}}
objective: {metric: score}
refit: false
SPEC

# One sweep; prints its tasks per second of the command's wall time.
one() {
  local mode=$1 out="$work/run-$RANDOM$RANDOM" err="$work/err" http=() poller=
  [ "$mode" != plain ] && http=(--http 127.0.0.1:0)
  local start end
  start=$(date +%s.%N)
  "$sweep" run "$work/spec.yaml" --workers "$workers" --slots "$slots" --out "$out" "${http[@]}" \
    >/dev/null 2>"$err" &
  local pid=$!
  if [ "$mode" = polled ]; then
    local url=
    while [ -z "$url" ] && kill -0 "$pid" 2>/dev/null; do
      url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$err" 2>/dev/null | head -1 || true)
      [ -z "$url" ] && sleep 0.02
    done
    (polls=0; while kill -0 "$pid" 2>/dev/null; do
       curl -s -o /dev/null --max-time 1 "${url}metrics" && polls=$((polls + 1)); sleep 0.1
     done; echo "$polls" >"$work/polls") &
    poller=$!
  fi
  wait "$pid"
  end=$(date +%s.%N)
  [ -n "$poller" ] && wait "$poller"
  echo "$tasks / ($end - $start)" | bc -l
  rm -rf "$out"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "dispatch with the dashboard: $tasks no-op tasks, $workers workers × $slots slots, $repeats repeats (+1 warm-up)"
one plain >/dev/null  # warm-up
: >"$work/plain"; : >"$work/idle"; : >"$work/polled"
for round in $(seq 1 "$repeats"); do
  for mode in plain idle polled; do
    rate=$(one $mode)
    echo "$rate" >>"$work/$mode"
    extra=""; [ "$mode" = polled ] && extra=" ($(cat "$work/polls") scrapes of /metrics)"
    printf 'round %d %-7s %10.0f tasks/s%s\n' "$round" "$mode" "$rate" "$extra"
  done
done
plain=$(median <"$work/plain"); idle=$(median <"$work/idle"); polled=$(median <"$work/polled")
printf 'median: without --http %.0f tasks/s; --http unread %.0f tasks/s; --http polled every 100 ms %.0f tasks/s\n' \
  "$plain" "$idle" "$polled"
printf 'ratio polled/without: %.3f   unread/without: %.3f\n' "$(echo "$polled / $plain" | bc -l)" \
  "$(echo "$idle / $plain" | bc -l)"
