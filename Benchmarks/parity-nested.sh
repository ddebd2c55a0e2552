#!/usr/bin/env bash
# Nested CV vs scikit-learn: Sweep's nested estimate (cv.outer) against
# cross_val_score(GridSearchCV(est, grid, cv=inner), X, y, cv=outer) on identical folds.
# Usage: Benchmarks/parity-nested.sh [PYTHON]   (default: ../peers-venv/bin/python, made on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
peer_packages="scikit-learn" peer_modules="sklearn"
source Benchmarks/peers.sh "${1:-}"
# Debug builds are enough: the comparison is of scores, not of speed.
swift build --product sweep >/dev/null
swift build --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 exec "$python" Benchmarks/parity-nested.py
