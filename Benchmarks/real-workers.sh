#!/usr/bin/env bash
# Scale with real processes: `sweep coordinator` and N one-slot `sweep worker` processes on this host,
# N × 200 no-op tasks of 50 ms (ideal: 10 s once every worker has joined). Prints the wall clock from
# the first dispatch, the rate once all had joined against the ideal N / 0.05 tasks/s, and the CPU
# every process took together. Uses .build/release/sweep (swift build -c release first).
# Usage: Benchmarks/real-workers.sh [WORKERS=400] [PREFETCH=1]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-400} prefetch=${2:-1} tasks=$((${1:-400} * 200))
bin=$PWD/.build/release/sweep
[ -x "$bin" ] || { echo "no $bin: run swift build -c release first" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat >"$work/spec.yaml" <<SPEC
name: real-workers
cv: {folds: 2}
trainer: {model: noop}
space: {sleep: 0.05, score: {int: [0, $((tasks / 2 - 1))]}}
objective: {metric: score}
limits: {prefetch: $prefetch}
refit: false
SPEC
start=$(date +%s.%N)
"$bin" coordinator "$work/spec.yaml" --bind "tcp://127.0.0.1:*" --out "$work/out" >"$work/coordinator.log" 2>&1 &
coordinator=$!
pids+=("$coordinator")
endpoint=
for _ in $(seq 100); do
  endpoint=$(grep -o 'tcp://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1 || true)
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { cat "$work/coordinator.log" >&2; exit 1; }
for i in $(seq "$n"); do
  "$bin" worker --connect "$endpoint" --insecure --slots 1 --name "w$i" --cache "$work/cache/w$i" >/dev/null 2>&1 &
  pids+=($!)
done
wait "$coordinator"
for p in "${pids[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pids[@]:1}"; do wait "$p" 2>/dev/null || true; done
pids=()
read -r cpu < <(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)  # children's user+system ticks
sqlite3 -separator ' ' "$work/out/run.db" "
  WITH joined AS (SELECT max(at) AS t FROM events WHERE kind = 'worker-joined'),
       first AS (SELECT min(dispatched_at) AS t FROM attempts)
  SELECT count(*), (SELECT count(*) FROM events WHERE kind = 'worker-joined'),
         max(received_at) - (SELECT t FROM first), (SELECT t FROM joined) - (SELECT t FROM first),
         (SELECT count(*) FROM results, joined WHERE received_at > joined.t AND counted = 1),
         max(received_at) - (SELECT t FROM joined)
  FROM results WHERE counted = 1" | {
  read -r counted joined wall joining after afterWall
  end=$(date +%s.%N)
  ticks=$(getconf CLK_TCK)
  printf '| workers | prefetch | tasks counted | workers joined | first dispatch → last result s | joining s | rate after all joined | ideal rate | ideal ÷ rate | CPU of all processes (cores) |\n'
  printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  awk -v n="$n" -v p="$prefetch" -v c="$counted" -v j="$joined" -v w="$wall" -v js="$joining" -v a="$after" -v aw="$afterWall" \
      -v cpu="$cpu" -v ticks="$ticks" -v s="$start" -v e="$end" 'BEGIN {
    rate = a / aw; ideal = n / 0.05
    printf "| %d | %d | %d | %d | %.2f | %.2f | %.0f tasks/s | %.0f tasks/s | %.3f | %.2f |\n", n, p, c, j, w, js, rate, ideal, ideal / rate, cpu / ticks / (e - s)
  }'
}
