"""Nested CV parity: Sweep's nested estimate (cv.outer) against scikit-learn's
cross_val_score(GridSearchCV(est, grid, cv=inner), X, y, cv=outer) on identical folds.

Usage: Benchmarks/parity-nested.sh [PYTHON]
       PYTHON Benchmarks/parity-nested.py --compare PLAN.json RUN_DIR   (one finished run; exit 1 if it differs)

For each case it writes a spec with `cv: {folds: 5, outer: 3}` and a grid, asks `sweep-bench nested-plan`
for the folds that spec runs on, runs it with `sweep run`, then gives scikit-learn exactly those folds:
the outer split as a PredefinedSplit, and each outer fold's inner split through a splitter that knows the
rows by an id column (dropped first thing in the pipeline, so the model never sees it). The grid is the
sweep's trials in trial order, so both break ties between equally good candidates the same way (the
first). Preprocessing: StandardScaler fitted on the training part, as Sweep does. Prints the nested
estimate of both, their difference (target |Δ| ≤ 0.005 for deterministic models), the largest per-fold
difference, whether each outer fold chose the same parameters, and Sweep's inner best beside it.
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, PredefinedSplit, cross_validate
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SWEEP_BUILD", os.path.join(ROOT, ".build", "debug"))
DATA = os.path.join(ROOT, "examples", "datasets")
TOLERANCE = 0.005

# Our model → (scikit-learn estimator for the task, our parameter → theirs).
MODELS = {
    "logistic_regression": (lambda task: LogisticRegression(), {"C": "C", "max_iter": "max_iter"}),
    "ridge": (lambda task: Ridge(), {"alpha": "alpha"}),
    "knn": (lambda task: (KNeighborsClassifier if task == "classification" else KNeighborsRegressor)(algorithm="brute"),
            {"k": "n_neighbors", "weights": "weights", "p": "p"}),
}

# (model, dataset, task, metric, space as YAML)
CASES = [
    ("logistic_regression", "iris", "classification", "accuracy", "C: {values: [0.01, 0.1, 1, 10, 100]}\n  max_iter: 100"),
    ("logistic_regression", "wine", "classification", "accuracy", "C: {values: [0.001, 0.01, 0.1, 1, 10]}\n  max_iter: 100"),
    ("logistic_regression", "breast_cancer", "classification", "accuracy", "C: {values: [0.01, 0.1, 1, 10]}\n  max_iter: 100"),
    ("knn", "breast_cancer", "classification", "accuracy", "k: {values: [1, 3, 5, 9, 15, 25]}"),
    ("ridge", "diabetes", "regression", "r2", "alpha: {values: [0.01, 0.1, 1, 10, 100, 1000]}"),
    ("knn", "diabetes", "regression", "r2", "k: {values: [3, 5, 9, 15, 25, 40]}"),
]


def load(path, target):
    data = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8")
    columns = [c for c in data.dtype.names if c != target]
    return np.column_stack([data[c].astype(float) for c in columns]), data[target]


class InnerFolds:
    """Sweep's inner folds of whichever outer fold's training rows GridSearchCV is given: the rows
    are known by their id (column 0), and the outer fold is the block whose rows they are."""

    def __init__(self, blocks, folds):
        self.blocks, self.folds = blocks, folds

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.folds

    def split(self, X, y=None, groups=None):
        ids = X[:, 0].astype(int)
        block = next(b for b in self.blocks[1:] if (b[ids] >= 0).all() and (b >= 0).sum() == len(ids))
        inner = block[ids]
        for fold in range(self.folds):
            yield np.flatnonzero(inner != fold), np.flatnonzero(inner == fold)


def sklearn_nested(plan, trials):
    """scikit-learn's nested CV on the plan's folds: per outer fold its score and chosen params."""
    x, y = load(plan["data"], plan["target"])
    x = np.column_stack([np.arange(len(y), dtype=float), x])
    blocks = [np.array(b) for b in plan["blocks"]]
    outer = np.full(len(y), -1)
    for fold, block in enumerate(blocks[1:]):
        outer[(blocks[0] >= 0) & (block < 0)] = fold
    factory, names = MODELS[plan["model"]]
    pipeline = Pipeline([("drop_id", ColumnTransformer([("id", "drop", [0])], remainder="passthrough")),
                         ("scale", StandardScaler()), ("model", factory(plan["task"]))])
    grid = [{f"model__{names[k]}": [v] for k, v in params.items()} for params in trials]
    search = GridSearchCV(pipeline, grid, cv=InnerFolds(blocks, plan["inner_folds"]))
    # cross_val_score(search, x, y, cv=outer) is cross_validate(...)["test_score"]; the estimators say what each chose.
    result = cross_validate(search, x, y, cv=PredefinedSplit(outer), return_estimator=True)
    back = {theirs: ours for ours, theirs in names.items()}
    chosen = [{back[k[len("model__"):]]: v for k, v in e.best_params_.items()} for e in result["estimator"]]
    return list(result["test_score"]), chosen


def same_params(a, b):
    """The same parameters, whether a value came back as 1 or 1.0."""
    def value(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            return str(v)
    return a is not None and b is not None and a.keys() == b.keys() and all(value(a[k]) == value(b[k]) for k in a)


def compare(plan, run):
    """One row of the table for a finished run, and whether it is within the tolerance."""
    with sqlite3.connect(f"file:{run}/run.db?mode=ro", uri=True) as db:
        trials = [json.loads(text) for (text,) in db.execute("SELECT params_json FROM trials ORDER BY trial")]
    best = json.load(open(os.path.join(run, "best.json")))
    nested = best["nested"]
    theirs, chosen = sklearn_nested(plan, trials)
    ours = nested["folds"]
    delta = nested["mean"] - float(np.mean(theirs))
    worst = max(abs(a - b) for a, b in zip(ours, theirs))
    same = sum(same_params(a, b) for a, b in zip(chosen, nested["chosen"]))
    ok = abs(delta) <= TOLERANCE
    row = (f"| {plan['model']} | {os.path.basename(plan['data'])[:-4]} | {nested['metric']} | {plan['outer']}×{plan['inner_folds']} "
           f"| {nested['mean']:.4f} | {np.mean(theirs):.4f} | {delta:+.4f} {'✓' if ok else '✗'} | {worst:.4f} "
           f"| {same}/{len(chosen)} | {best['mean']:.4f} |")
    return row, ok


HEADER = ("| model | dataset | metric | outer×inner | sweep nested | sklearn nested | Δ | max fold Δ | same choice | sweep inner best |\n"
          "|---|---|---|---|---:|---:|---:|---:|---:|---:|")


def run_case(model, dataset, task, metric, space, directory):
    spec = os.path.join(directory, "spec.yaml")
    with open(spec, "w") as out:
        out.write(f"name: nested-{model}-{dataset}\n"
                  f"data: {{path: {os.path.join(DATA, dataset + '.csv')}, target: target, task: {task}}}\n"
                  "cv: {folds: 5, outer: 3, seed: 0}\n"
                  f"trainer: {{model: {model}}}\nsearch: {{algorithm: grid}}\nspace:\n  {space}\n"
                  f"objective: {{metric: {metric}, goal: maximize}}\n")
    plan = json.loads(subprocess.check_output([os.path.join(BUILD, "sweep-bench"), "nested-plan", spec]))
    run = os.path.join(directory, "run")
    subprocess.run([os.path.join(BUILD, "sweep"), "run", spec, "--out", run, "--workers", "2"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return compare(plan, run)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        row, ok = compare(json.load(open(sys.argv[2])), sys.argv[3])
        print(HEADER + "\n" + row)
        sys.exit(0 if ok else 1)
    print(HEADER)
    failures = 0
    for case in CASES:
        with tempfile.TemporaryDirectory() as directory:
            row, ok = run_case(*case, directory)
        failures += not ok
        print(row, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
