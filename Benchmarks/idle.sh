#!/usr/bin/env bash
# Idle cost (issue 11): CPU used by N connected workers with nothing to do, and by their
# coordinator, over a fixed window. The sweep holds 2 workers busy with one long no-op trial
# (2 folds × `sleep` seconds); the other N-2 are connected and idle.
# Usage: Benchmarks/idle.sh [--workers 100] [--window 10] [SWEEP_BINARY ...]
#        (default binary: this checkout's release build; give several to compare builds side by side)
set -euo pipefail
cd "$(dirname "$0")/.."
workers=100; window=10; binaries=()
while [ $# -gt 0 ]; do
    case "$1" in
        --workers) workers=$2; shift 2 ;;
        --window) window=$2; shift 2 ;;
        *) binaries+=("$1"); shift ;;
    esac
done
if [ ${#binaries[@]} -eq 0 ]; then
    swift build -c release --product sweep >/dev/null
    binaries=(.build/release/sweep)
fi
ticks=$(getconf CLK_TCK)
cpu_seconds() {  # utime + stime of the given pids, in seconds
    local total=0
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat")
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/spec.yaml" <<SPEC
name: idle
cv: {folds: 2}
trainer: {model: noop}
space: {sleep: $((window * 3 + 30))}
objective: {metric: score}
SPEC
echo "| build | workers | window s | workers' CPU (% of one core, all together) | coordinator's CPU (% of one core) |"
echo "|---|---:|---:|---:|---:|"
for binary in "${binaries[@]}"; do
    port=$((20000 + RANDOM % 20000))
    "$binary" coordinator "$work/spec.yaml" --bind "tcp://127.0.0.1:$port" --out "$work/run-$port" 2> "$work/coordinator.log" >/dev/null &
    coordinator=$!
    pids=()
    for i in $(seq 1 "$workers"); do
        "$binary" worker --connect "tcp://127.0.0.1:$port" --slots 1 --name "w$i" --cache "$work/cache" 2>/dev/null &
        pids+=($!)
    done
    # Await every worker's registration in the coordinator's log (bounded).
    for _ in $(seq 1 600); do
        [ "$(grep -c 'worker joined' "$work/coordinator.log" || true)" -ge "$workers" ] && break
        sleep 0.1
    done
    joined=$(grep -c 'worker joined' "$work/coordinator.log" || true)
    w0=$(cpu_seconds "${pids[@]}"); c0=$(cpu_seconds "$coordinator")
    sleep "$window"
    w1=$(cpu_seconds "${pids[@]}"); c1=$(cpu_seconds "$coordinator")
    kill -KILL "$coordinator" "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    awk -v b="$binary" -v n="$joined" -v w="$window" -v dw=$((w1 - w0)) -v dc=$((c1 - c0)) -v t="$ticks" \
        'BEGIN { printf "| %s | %d | %d | %.1f%% | %.1f%% |\n", b, n, w, 100 * dw / t / w, 100 * dc / t / w }'
done
