#!/usr/bin/env bash
# Multi-objective search (ZDT1, ZDT2): hypervolume of nsga2, tpe and random beside optuna 5's
# NSGAIISampler, TPESampler and RandomSampler, in one run (see multiobjective.py).
# Usage: Benchmarks/multiobjective.sh [PYTHON [--seeds 30] [--variables 30] [--problems zdt1,zdt2]]
set -euo pipefail
cd "$(dirname "$0")/.."
peer_packages="optuna" peer_modules="optuna"
source Benchmarks/peers.sh "${1:-}"
shift || true
swift build -c release --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 exec "$python" Benchmarks/multiobjective.py "$@"
