#!/usr/bin/env bash
# Parameter importance parity (issue 14): the same random trials of
# f = 10·x + 3·y² + 0·z + log10(lr)/4 + {a: 0, b: 0.5, c: 1}[kind] through our fANOVA
# (sweep-bench importance, Sources/SweepBench/ImportanceBench.swift) and optuna's
# FanovaImportanceEvaluator (the peers venv, Benchmarks/peers.sh), printed side by side. optuna's
# forest is scikit-learn's, with other bootstrap draws: its values are averaged over 5 seeds and
# ours must rank the parameters the same and lie within 0.05 of them.
#   Usage: Benchmarks/importance.sh [--trials 60] [--seed 0]
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
theirs = {name: 0.0 for name in distributions}
for seed in seeds:
    for name, value in optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=seed)).items():
        theirs[name] += value / len(seeds)
ours = run["ours"]
print(f"\n{len(run['trials'])} trials | parameter | ours | optuna (mean of {len(seeds)} seeds) | difference")
for name in sorted(theirs, key=lambda n: -theirs[n]):
    print(f"  {name:5} | {ours[name]:.4f} | {theirs[name]:.4f} | {ours[name] - theirs[name]:+.4f}")
rank_ours = sorted(ours, key=lambda n: -ours[n])
rank_theirs = sorted(theirs, key=lambda n: -theirs[n])
worst = max(abs(ours[n] - theirs[n]) for n in theirs)
print(f"ranking ours:   {rank_ours}\nranking optuna: {rank_theirs}\nlargest difference: {worst:.4f}")
ok = rank_ours == rank_theirs and worst <= 0.05
print("parity: " + ("ok" if ok else "FAILED (ranking differs or a value is more than 0.05 off)"))
sys.exit(0 if ok else 1)
PY
