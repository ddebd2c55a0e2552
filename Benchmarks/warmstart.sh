#!/usr/bin/env bash
# Warm start: TPE on Branin from a 50-trial sweep of a shifted Branin vs a cold start, 30 seeds
# (see Sources/SweepBench/WarmStartBench.swift). Counts of trials do not depend on speed, so a
# debug build gives the same table.   Usage: Benchmarks/warmstart.sh [--seeds 30] [--shift 0.5] ...
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${SWEEP_BENCH_CONFIGURATION:-debug}
swift build -c "$configuration" --product sweep-bench >/dev/null
exec "$(swift build -c "$configuration" --show-bin-path)/sweep-bench" warmstart "$@"
