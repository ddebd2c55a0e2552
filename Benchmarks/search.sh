#!/usr/bin/env bash
# M6 search efficiency, M3 suggest cost and racing, side by side with optuna (see search.py).
# Usage: Benchmarks/search.sh [PYTHON [m6|m3|racing ...]]   (default: ../peers-venv/bin/python, made on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-../peers-venv/bin/python}"
shift || true
if [ ! -x "$python" ]; then
    python3 -m venv ../peers-venv
    ../peers-venv/bin/pip install --quiet scikit-learn optuna
    python=../peers-venv/bin/python
fi
"$python" -c "import optuna, sklearn" 2>/dev/null || "$python" -m pip install --quiet scikit-learn optuna
swift build -c release --product sweep-bench >/dev/null
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 exec "$python" Benchmarks/search.py "$@"
