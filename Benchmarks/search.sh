#!/usr/bin/env bash
# M6 search efficiency, M3 suggest cost and racing, side by side with optuna (see search.py).
# Usage: Benchmarks/search.sh [PYTHON [m6|m3|racing ...]]   (default: ../peers-venv/bin/python, made on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
peer_packages="scikit-learn optuna" peer_modules="sklearn, optuna"
source Benchmarks/peers.sh "${1:-}"
shift || true
swift build -c release --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 exec "$python" Benchmarks/search.py "$@"
