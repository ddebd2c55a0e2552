#!/usr/bin/env bash
# Fuzzes the wire decoder with libFuzzer + AddressSanitizer.
# Usage: Fuzz/run.sh [SECONDS]   (default 300). Crashes land in Fuzz/crashes/; copy any into
# Tests/SweepProtocolTests/FuzzCrashers/ so the ordinary test suite replays them forever.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
swift build --scratch-path .build-fuzz -c debug --product MakeCorpus >/dev/null
.build-fuzz/debug/MakeCorpus corpus
swift build --scratch-path .build-fuzz -c debug --product DecoderFuzz -Xswiftc -sanitize=fuzzer,address >/dev/null
mkdir -p crashes work
cp -n corpus/* work/ 2>/dev/null || true
.build-fuzz/debug/DecoderFuzz work -artifact_prefix=crashes/ -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1
