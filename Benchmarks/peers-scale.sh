#!/usr/bin/env bash
# Issue 13 (scale): M2 trial bookkeeping and M1 dispatch, ours beside the peers in one run; prints
# markdown tables with ratios (>1 means we are better). The peers' side is peers-scale.py.
# M2 (TRIALS × 50 ms sleep, 8 at once; ideal TRIALS × 0.05 / 8 s):
#   ours   `sweep run` of a random search over the `noop` model (sleep: 0.05, one fold, no refit),
#          --workers 2 --slots 4; the whole command's wall clock, worker start-up included.
#   peers  Ray Tune (num_cpus=8; defaults, and reuse_actors=True), Optuna journal file storage
#          (2 processes × n_jobs=4, random sampler).
# M1 (TASKS no-op tasks, 2 worker processes):
#   ours   `sweep-bench dispatch --repeats 1 --slots 1`: tasks/s after the first dispatch, one
#          warm-up round first (2 workers × 1 slot: 2 in flight, real coordinator, run.db on);
#          without .build/release/sweep-bench, TASKS ÷ the wall clock of `sweep run --slots 1`.
#   peers  Dask client.map + gather on LocalCluster(2 × 1 thread, processes), Ray tasks (num_cpus=2).
# Uses the release binaries in .build/release (swift build -c release first), or in $SWEEP_BIN_DIR; does not build.
# M3 (trivial trials end to end): TRIVIAL random and TPE_TRIALS TPE trials of a no-op, one fold.
#   ours   the whole `sweep run` command (default workers and limits; run.db, report); TPE also with
#          `limits.prefetch: 16` (the default, auto, leaves TPE unprefetched).
#   peers  optuna in-memory study, one process each, RandomSampler and TPESampler (import not timed).
#   Ours and optuna's runs alternate, 3 of each; the medians are compared.
# Usage: Benchmarks/peers-scale.sh [PYTHON] [--trials 2000] [--tasks 20000] [--timeout 10800]
#        [--trivial 5000] [--tpe-trials 1000] [--only-m3]
#   (PYTHON default ../peers-venv/bin/python, made on first use; --timeout is per peer, seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
py=; case "${1:-}" in --* | "") ;; *) py=$1; shift ;; esac
peer_packages="ray[tune] optuna dask distributed" peer_modules="ray.tune, optuna, distributed"
source Benchmarks/peers.sh "$py"
trials=2000 tasks=20000 timeout=10800 trivial=5000 tpe_trials=1000 only_m3=
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) trials=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --trivial) trivial=$2; shift 2 ;;
    --tpe-trials) tpe_trials=$2; shift 2 ;;
    --only-m3) only_m3=1; shift ;;
    *) echo "usage: $0 [PYTHON] [--trials N] [--tasks N] [--timeout S] [--trivial N] [--tpe-trials N] [--only-m3]" >&2; exit 2 ;;
  esac
done
bin=${SWEEP_BIN_DIR:-.build/release}  # e.g. the static build the packages ship (swift build -c release --static-swift-stdlib)
[ -x "$bin/sweep" ] || { echo "no $bin/sweep: run swift build -c release first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$only_m3" ]; then
# M2, ours: one fold without data is one run per trial (plain HPO, no CV).
cat >"$work/m2.yaml" <<SPEC
name: peers-scale-m2
cv: {folds: 1}
trainer: {model: noop}
search: {algorithm: random, trials: $trials, seed: 0}
space: {sleep: 0.05, score: {uniform: [0, 1]}}
objective: {metric: score, goal: maximize}
refit: false
SPEC
echo "M2: sweep run, $trials trials × 50 ms, 2 workers × 4 slots …" >&2
start=$(date +%s.%N)
"$bin/sweep" run "$work/m2.yaml" --workers 2 --slots 4 --out "$work/m2" >"$work/m2.log" 2>&1 \
  || { tail -20 "$work/m2.log" >&2; exit 1; }
end=$(date +%s.%N)
m2_wall=$(echo "$end - $start" | bc -l)
m2_done=$(grep -c ',ok,' "$work/m2/trials.csv" || true)

# M1, ours: the dispatch bench's row "sweep, 2 workers × 1 slots (2 in flight): no-op tasks | R tasks/s |";
# without sweep-bench, TASKS / the wall clock of `sweep run` of TASKS no-op tasks (start-up included).
if [ -x "$bin/sweep-bench" ]; then
  echo "M1: sweep-bench dispatch, $tasks tasks …" >&2
  "$bin/sweep-bench" dispatch --tasks "$tasks" --repeats 1 --slots 1 --workers 2 >"$work/m1.log"
  m1_rate=$(grep 'in flight): no-op tasks' "$work/m1.log" | awk -F'|' '{print $3}' | awk '{print $1}')
  [ -n "$m1_rate" ] || { cat "$work/m1.log" >&2; exit 1; }
  m1_how="sweep-bench dispatch, 2 workers × 1 slot, 1 round after a warm-up; start-up not timed"
else
  echo "M1: no $bin/sweep-bench; sweep run, $tasks tasks …" >&2
  printf 'name: peers-scale-m1\ncv: {folds: 2}\ntrainer: {model: noop}\nspace: {score: {int: [0, %d]}}\nobjective: {metric: score}\nrefit: false\n' \
    $((tasks / 2 - 1)) >"$work/m1.yaml"
  start=$(date +%s.%N)
  "$bin/sweep" run "$work/m1.yaml" --workers 2 --slots 1 --out "$work/m1" >"$work/m1.log" 2>&1 \
    || { tail -20 "$work/m1.log" >&2; exit 1; }
  end=$(date +%s.%N)
  m1_rate=$(echo "$tasks / ($end - $start)" | bc -l)
  m1_how="no sweep-bench: sweep run --workers 2 --slots 1, whole command (start-up included)"
fi
fi

# M3, ours: trivial trials (noop, no sleep, one fold), the whole `sweep run` command, random and TPE.
m3_once() { # ALGORITHM TRIALS [LIMITS] → trials/s of one run of the whole command
  printf 'name: peers-scale-m3\ncv: {folds: 1}\ntrainer: {model: noop}\nsearch: {algorithm: %s, trials: %d, seed: 0}\nspace: {score: {uniform: [0, 1]}}\nobjective: {metric: score, goal: maximize}\nrefit: false\n%b' \
    "$1" "$2" "${3:-}" >"$work/m3-$1.yaml"
  rm -rf "$work/m3-$1"
  local start end
  start=$(date +%s.%N)
  "$bin/sweep" run "$work/m3-$1.yaml" --out "$work/m3-$1" >"$work/m3-$1.log" 2>&1 \
    || { tail -20 "$work/m3-$1.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$2 / ($end - $start)" | bc -l
}
optuna_once() { # random|tpe → trials/s of one optuna in-memory study (its import not timed)
  local peer=optuna-memory
  [ "$1" = tpe ] && peer=optuna-memory-tpe
  OMP_NUM_THREADS=1 "$python" Benchmarks/peers-scale.py --peer "$peer" --studies 1 --trivial "$trivial" \
    --tpe-trials "$tpe_trials" --tmp "$work" | sed -n 's/^RESULT //p' \
    | "$python" -c 'import json, sys; r = json.load(sys.stdin); print(r.get("rate", 0))'
}
median() { LC_ALL=C sort -g | sed -n 2p; }
# Ours and optuna's runs alternate, three of each, so a drift in this machine's speed meets both.
echo "M3: $trivial random and $tpe_trials TPE trivial trials, sweep run and optuna alternating (3 each) …" >&2
r_ours=() r_optuna=() t_ours=() t_prefetch=() t_optuna=()
for run in 1 2 3; do
  r_ours+=("$(m3_once random "$trivial")")
  r_optuna+=("$(optuna_once random)")
  t_ours+=("$(m3_once tpe "$tpe_trials")")
  t_prefetch+=("$(m3_once tpe "$tpe_trials" 'limits: {prefetch: 16}\n')")
  t_optuna+=("$(optuna_once tpe)")
done
m3_random=$(printf '%s\n' "${r_ours[@]}" | median)
m3_optuna_random=$(printf '%s\n' "${r_optuna[@]}" | median)
m3_tpe=$(printf '%s\n' "${t_ours[@]}" | median)
m3_tpe_prefetch=$(printf '%s\n' "${t_prefetch[@]}" | median)
m3_optuna_tpe=$(printf '%s\n' "${t_optuna[@]}" | median)
echo "M3 runs (trials/s): ours random ${r_ours[*]}; optuna random ${r_optuna[*]}; ours tpe ${t_ours[*]}; prefetch 16 ${t_prefetch[*]}; optuna tpe ${t_optuna[*]}" >&2

echo "peers (each in its own process group) …" >&2
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" Benchmarks/peers-scale.py --trials "$trials" --tasks "$tasks" \
  --timeout "$timeout" --ours-m2 "${m2_wall:-0}" --ours-m2-done "${m2_done:-0}" --ours-m1 "${m1_rate:-0}" \
  --ours-m1-how "${m1_how:-}" --trivial "$trivial" --tpe-trials "$tpe_trials" --ours-m3-random "$m3_random" \
  --ours-m3-tpe "$m3_tpe" --ours-m3-tpe-prefetch "$m3_tpe_prefetch" --optuna-m3-random "$m3_optuna_random" \
  --optuna-m3-tpe "$m3_optuna_tpe" ${only_m3:+--only-m3}
