#!/usr/bin/env bash
# The long fault campaign: seed after seed, a real coordinator and workers under every fault kind
# (worker SIGKILL/SIGSTOP/restart, duplicate names, broken workers, cache corruption, network cuts
# in network namespaces when run as root, coordinator SIGKILL + resume) with misbehaving trainers,
# each run checked afterwards (Tests/SweepClusterTests/FaultCampaign*.swift). Prints per seed the
# faults injected and the outcome, and a summary line at the end. Exit status 1 if any seed failed.
#
#   scripts/fault-campaign.sh [--minutes M] [--seed S] [--binary PATH] [--faults MIX]
#
#   --minutes M    run seeds until M minutes have passed (default 30)
#   --seed S       run only seed S (a failing seed replays)
#   --binary PATH  the sweep binary to test (default: built here with swift build -c release)
#   --faults MIX   light, all (default), or a comma-separated list of fault and misbehaviour kinds
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30 seed="" binary="" faults="all"
while [ $# -gt 0 ]; do
    case "$1" in
    --minutes) minutes="${2:?--minutes needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --faults) faults="${2:?--faults needs a mix}"; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fault-campaign.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$minutes" in '' | *[!0-9]*) echo "fault-campaign.sh: --minutes must be a whole number, got '$minutes'" >&2; exit 2 ;; esac
case "$seed" in *[!0-9]*) echo "fault-campaign.sh: --seed must be a number, got '$seed'" >&2; exit 2 ;; esac

if [ -z "$binary" ]; then
    swift build -c release --product sweep >&2
    binary="$PWD/.build/release/sweep"
fi
[ -x "$binary" ] || { echo "fault-campaign.sh: $binary is not an executable sweep binary" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
swift build --build-tests >&2

logs="$(mktemp -d /tmp/fault-campaign-XXXXXX)"
echo "fault campaign: binary $binary, faults $faults, logs in $logs"
end=$(( $(date +%s) + minutes * 60 ))
runs=0 passed=0 failed_seeds=() totals=""
while :; do
    current="${seed:-$(( (RANDOM << 15 | RANDOM) % 999999 + 1 ))}"
    log="$logs/seed-$current.log"
    started=$(date +%s)
    set +e
    SWEEP_CAMPAIGN_LONG=1 SWEEP_CAMPAIGN_SEED="$current" SWEEP_CAMPAIGN_BINARY="$binary" \
        SWEEP_CAMPAIGN_FAULTS="$faults" \
        swift test --skip-build --filter 'FaultCampaignTests/longCampaign' >"$log" 2>&1
    status=$?
    set -e
    runs=$((runs + 1))
    faults_line="$(grep -m1 "campaign seed $current faults:" "$log" | sed 's/.*faults: //')"
    outcome="$(grep -m1 "campaign seed $current outcome:" "$log" | sed 's/.*outcome: //')"
    [ -n "$outcome" ] || outcome="no outcome (test status $status; see $log)"
    totals="$totals $faults_line"
    echo "seed $current ($(( $(date +%s) - started )) s): faults ${faults_line:-none}; $outcome"
    if [ $status -eq 0 ] && [[ "$outcome" == PASS* ]]; then
        passed=$((passed + 1))
    else
        failed_seeds+=("$current")
        grep "campaign seed $current VIOLATION" "$log" | sed 's/.*VIOLATION /    /' || true
    fi
    [ -z "$seed" ] && [ "$(date +%s)" -lt "$end" ] || break
done

summary="$(echo "$totals" | tr ' ' '\n' | grep '=' | awk -F= '{n[$1] += $2} END {for (k in n) printf "%s=%d ", k, n[k]}')"
echo "fault campaign: $runs seeds, $passed passed, ${#failed_seeds[@]} failed${failed_seeds[*]:+ (seeds: ${failed_seeds[*]})}; faults injected: ${summary:-none}"
[ ${#failed_seeds[@]} -eq 0 ]
