#!/usr/bin/env bash
# Runs every test, in two processes: the HTTP tests (SweepHTTPTests: in-process servers and clients,
# async, on Swift's cooperative thread pool) apart from the rest. The multi-process tests are
# synchronous and block a pool thread each while they wait on real processes; the pool has one
# thread per core, so on a 2-core machine they could starve an HTTP test's server past its
# client's deadline. Arguments go to both runs (e.g. --skip-build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --skip SweepHTTPTests "$@"
swift test --skip-build --filter SweepHTTPTests "$@"
