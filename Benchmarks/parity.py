"""M5 parity and speed: every built-in model on the same folds in Sweep and in scikit-learn.

Usage: Benchmarks/parity.sh [PYTHON]   (PYTHON: an interpreter with scikit-learn, e.g. ../peers-venv/bin/python)

For each (model, dataset, fixed hyperparameters) it asks `sweep-bench parity` for Sweep's fold
assignment, per-fold scores and median single-threaded fit time, then fits scikit-learn's model
on exactly those folds (StandardScaler fitted on the training part, as Sweep does) and prints
the mean CV score of both, their difference, and the fit-time ratio sklearn ÷ ours (> 1: we are
faster). Randomised models are compared on their mean over SEEDS seeds (25 for single trees) (one seed's score is a draw,
not the model's); times come from seed 0. Targets: |Δ| ≤ 0.005 for deterministic models, ≤ 0.02 for
randomised ones; ratio ≥ 1.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # older installs
    threadpool_limits = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "sweep-bench")
DATA = os.path.join(ROOT, "examples", "datasets")
CLASSIFICATION = ["iris", "wine", "breast_cancer", "digits"]
SEEDS = 5
# A fully grown tree's fold score swings by ±0.1 with the seed (it only breaks ties between equally
# good splits, which small nodes have many of): 5 seeds leave ±0.02 of noise on the mean, so trees
# get more (their fits take a millisecond).
SEEDS_FOR = {"decision_tree": 25}

# (our model, our params as YAML flow mapping, sklearn factory, deterministic?, task, datasets)
CASES = [
    ("logistic_regression", "{C: 1.0, max_iter: 100}", lambda s: LogisticRegression(C=1.0, max_iter=100), True, "classification", CLASSIFICATION),
    ("knn", "{k: 5}", lambda s: KNeighborsClassifier(5, algorithm="brute"), True, "classification", CLASSIFICATION),
    ("gaussian_nb", "{}", lambda s: GaussianNB(), True, "classification", CLASSIFICATION),
    ("decision_tree", "{}", lambda s: DecisionTreeClassifier(random_state=s), False, "classification", CLASSIFICATION),
    ("random_forest", "{n_estimators: 100}", lambda s: RandomForestClassifier(100, random_state=s, n_jobs=1), False, "classification", CLASSIFICATION),
    ("gradient_boosting", "{max_iter: 100}", lambda s: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=s), False, "classification", CLASSIFICATION),
    ("mlp", "{hidden_layer_sizes: 100, max_iter: 200}", lambda s: MLPClassifier(hidden_layer_sizes=(100,), max_iter=200, random_state=s), False, "classification", CLASSIFICATION),
    ("linear_regression", "{}", lambda s: LinearRegression(), True, "regression", ["diabetes"]),
    ("ridge", "{alpha: 1.0}", lambda s: Ridge(alpha=1.0), True, "regression", ["diabetes"]),
    ("lasso", "{alpha: 0.1}", lambda s: Lasso(alpha=0.1), True, "regression", ["diabetes"]),
    ("elastic_net", "{alpha: 0.1, l1_ratio: 0.5}", lambda s: ElasticNet(alpha=0.1, l1_ratio=0.5), True, "regression", ["diabetes"]),
    ("knn", "{k: 5}", lambda s: KNeighborsRegressor(5, algorithm="brute"), True, "regression", ["diabetes"]),
    ("decision_tree", "{}", lambda s: DecisionTreeRegressor(random_state=s), False, "regression", ["diabetes"]),
    ("random_forest", "{n_estimators: 100}", lambda s: RandomForestRegressor(100, random_state=s, n_jobs=1), False, "regression", ["diabetes"]),
    ("gradient_boosting", "{max_iter: 100}", lambda s: HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=s), False, "regression", ["diabetes"]),
    ("mlp", "{hidden_layer_sizes: 100, max_iter: 1000, learning_rate_init: 0.01}", lambda s: MLPRegressor(hidden_layer_sizes=(100,), max_iter=1000, learning_rate_init=0.01, random_state=s), False, "regression", ["diabetes"]),
]


def load(name):
    data = np.genfromtxt(os.path.join(DATA, name + ".csv"), delimiter=",", names=True, dtype=None, encoding="utf-8")
    columns = [c for c in data.dtype.names if c != "target"]
    x = np.column_stack([data[c].astype(float) for c in columns])
    return x, data["target"]


def with_seed(params, seed):
    return params[:-1] + (", " if params != "{}" else "") + f"seed: {seed}}}"


def sklearn_side(factory, x, y, assignment, task, repeats=3, seed=0):
    scores, times = [], []
    for fold in sorted(set(assignment)):
        train, valid = assignment != fold, assignment == fold
        scaler = StandardScaler().fit(x[train])
        xt, xv = scaler.transform(x[train]), scaler.transform(x[valid])
        for _ in range(repeats):
            model = factory(seed)
            start = time.perf_counter()
            model.fit(xt, y[train])
            times.append(time.perf_counter() - start)
        predicted = model.predict(xv)
        scores.append(accuracy_score(y[valid], predicted) if task == "classification" else r2_score(y[valid], predicted))
    return float(np.mean(scores)), statistics.median(times)


def main():
    rows = []
    print("| model | dataset | metric | sweep | scikit-learn | Δ | target | fit ms sweep | fit ms sklearn | speed ratio |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    only = set(sys.argv[1:])
    for model, params, factory, deterministic, task, datasets in CASES:
        if only and model not in only:
            continue
        for dataset in datasets:
            x, y = load(dataset)
            seeds = [0] if deterministic else list(range(SEEDS_FOR.get(model, SEEDS)))
            our_means, their_means = [], []
            for seed in seeds:
                run = json.loads(subprocess.check_output([BENCH, "parity", "--data", os.path.join(DATA, dataset + ".csv"), "--model", model,
                                                          "--task", task, "--params", params if deterministic else with_seed(params, seed),
                                                          "--repeats", "3" if seed == 0 else "1"]))
                score, seconds = sklearn_side(factory, x, y, np.array(run["assignment"]), task, repeats=3 if seed == 0 else 1, seed=seed)
                our_means.append(float(np.mean(run["scores"])))
                their_means.append(score)
                if seed == 0:
                    ours, their_time = run, seconds
            mean, theirs = float(np.mean(our_means)), float(np.mean(their_means))
            delta = mean - theirs
            target = 0.005 if deterministic else 0.02
            ratio = their_time / max(ours["fit_seconds_median"], 1e-9)
            ok = "✓" if abs(delta) <= target else "✗"
            print(f"| {model} | {dataset} | {'accuracy' if task == 'classification' else 'r2'} | {mean:.4f} | {theirs:.4f} | {delta:+.4f} {ok} | ±{target} "
                  f"| {ours['fit_seconds_median'] * 1000:.2f} | {their_time * 1000:.2f} | {ratio:.2f} |")
            sys.stdout.flush()


if __name__ == "__main__":
    if threadpool_limits:
        with threadpool_limits(1):
            main()
    else:
        main()
