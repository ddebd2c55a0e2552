#!/usr/bin/env bash
# Parameter importance parity (issue 14): the same random trials of
# f = x + 3·y² + 0·z + log10(lr)/2 + {a: 0, b: 1.5, c: 3}[kind] through our fANOVA
# (sweep-bench importance, Sources/SweepBench/ImportanceBench.swift) and optuna's
# FanovaImportanceEvaluator (the peers venv, Benchmarks/peers.sh), printed side by side. optuna's
# forest is scikit-learn's, with other bootstrap draws: its values are averaged over 5 seeds; ours
# must rank the parameters that matter (optuna ≥ 0.03) the same and lie within 0.05 of optuna's.
#   Usage: Benchmarks/importance.sh [--trials 200] [--seed 0]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PEERS_VENV:-/work/peers-venv}
python=$venv/bin/python
if ! "$python" -c 'import optuna, sklearn' 2>/dev/null; then
  echo "needs optuna and scikit-learn in $venv: python3 -m venv $venv && $venv/bin/pip install optuna scikit-learn" >&2
  exit 2
fi
configuration=${SWEEP_BENCH_CONFIGURATION:-debug}
swift build -c "$configuration" --product sweep-bench >/dev/null
out=$(mktemp -t importance.XXXXXX.json)
trap 'rm -f "$out"' EXIT
"$(swift build -c "$configuration" --show-bin-path)/sweep-bench" importance --out "$out" "$@"
"$python" - "$out" <<'PY'
import json, sys, warnings
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.importance import FanovaImportanceEvaluator

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")
run = json.load(open(sys.argv[1]))
distributions = {
    "x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1), "z": FloatDistribution(0, 1),
    "lr": FloatDistribution(0.001, 1, log=True), "kind": CategoricalDistribution(["a", "b", "c"]),
}
study = optuna.create_study(direction="minimize")
for trial in run["trials"]:
    study.add_trial(optuna.trial.create_trial(params=trial["params"], distributions=distributions, value=trial["value"]))
seeds = range(5)
runs = [optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=seed)) for seed in seeds]
theirs = {name: sum(run[name] for run in runs) / len(runs) for name in distributions}
spread = {name: (min(run[name] for run in runs), max(run[name] for run in runs)) for name in distributions}
ours = run["ours"]
print(f"\n{len(run['trials'])} trials | parameter | ours | optuna (mean of {len(seeds)} seeds) | optuna min–max | difference")
for name in sorted(theirs, key=lambda n: -theirs[n]):
    low, high = spread[name]
    print(f"  {name:5} | {ours[name]:.4f} | {theirs[name]:.4f} | {low:.4f}–{high:.4f} | {ours[name] - theirs[name]:+.4f}")
matter = [n for n in theirs if theirs[n] >= 0.03]
rank_ours = sorted(matter, key=lambda n: -ours[n])
rank_theirs = sorted(matter, key=lambda n: -theirs[n])
worst = max(abs(ours[n] - theirs[n]) for n in theirs)
print(f"ranking of those ≥ 0.03, ours:   {rank_ours}\nranking of those ≥ 0.03, optuna: {rank_theirs}\nlargest difference: {worst:.4f}")
ok = rank_ours == rank_theirs and worst <= 0.05
print("parity: " + ("ok" if ok else "FAILED (ranking differs or a value is more than 0.05 off)"))
sys.exit(0 if ok else 1)
PY
