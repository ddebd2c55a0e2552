#!/usr/bin/env bash
# Scale — the real `sweep coordinator` against up to 1,000 simulated workers (many per process, each
# a full WorkerMachine with its own DEALER socket): coordinator CPU per task, peak memory,
# dispatch → counted p50/p99, heartbeat traffic, registration and first dispatch, wall ÷ ideal.
# Usage: Benchmarks/scale.sh [--workers 100,300,1000] [--tasks 10000,100000] [--task-ms 50] [--slots 1] [--processes 2]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sweep >/dev/null
swift build -c release --product sweep-bench >/dev/null
exec .build/release/sweep-bench scale "$@"
