#!/usr/bin/env bash
# M1 — per-task dispatch overhead (BENCHMARKS.md): no-op tasks through the real coordinator and
# two worker processes on loopback, beside a raw libzmq ROUTER/DEALER ping-pong in the same run.
# Usage: Benchmarks/dispatch.sh [--tasks 20000] [--repeats 5] [--slots N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sweep >/dev/null
swift build -c release --product sweep-bench >/dev/null
exec .build/release/sweep-bench dispatch "$@"
