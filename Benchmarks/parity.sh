#!/usr/bin/env bash
# M5 — built-in models vs scikit-learn on the same folds: scores and single-threaded fit times.
# Usage: Benchmarks/parity.sh [PYTHON [MODEL...]]   (default: ../peers-venv/bin/python, made on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
peer_packages="scikit-learn threadpoolctl" peer_modules="sklearn, threadpoolctl"
source Benchmarks/peers.sh "${1:-}"
shift || true
swift build -c release --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 exec "$python" Benchmarks/parity.py "$@"
