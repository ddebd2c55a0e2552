#!/usr/bin/env bash
# M5 — built-in models vs scikit-learn on the same folds: scores and single-threaded fit times.
# Usage: Benchmarks/parity.sh [PYTHON [MODEL...]]   (default: ../peers-venv/bin/python, made on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-../peers-venv/bin/python}"
shift || true
if [ ! -x "$python" ]; then
    python3 -m venv ../peers-venv
    ../peers-venv/bin/pip install --quiet scikit-learn threadpoolctl
    python=../peers-venv/bin/python
fi
swift build -c release --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 exec "$python" Benchmarks/parity.py "$@"
