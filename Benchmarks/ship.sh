#!/usr/bin/env bash
# File shipping: SHA-256 of a 50 MiB blob, packing and hashing it as a command trainer's workdir,
# and `sweep run --workers 1` fetching it into an empty worker cache (less the same run without it).
# Usage: Benchmarks/ship.sh [--megabytes 50] [--repeats 5]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sweep >/dev/null
swift build -c release --product sweep-bench >/dev/null
exec .build/release/sweep-bench ship "$@"
