"""M6 search efficiency, M3 suggest cost, and racing, side by side with optuna in one run.

Usage: Benchmarks/search.sh [PYTHON [m6|m3|racing ...]]   (PYTHON: an interpreter with optuna and scikit-learn)

M6: Branin, Hartmann6 and a tabulated CV grid (an RBF SVM on breast_cancer: 12 C × 12 gamma, every
config's 10 stratified fold accuracies computed once with scikit-learn, then looked up), 30 seeds,
budgets 25/50/100 (one 100-trial run per seed, read at each budget). Ours: random, sobol and TPE
through `sweep-bench search` (the same SearchDriver the coordinator runs); optuna 5: RandomSampler
and TPESampler with their defaults. Prints median [IQR] of regret (best found − optimum) and the
ratio optuna TPE ÷ ours TPE of median regret (> 1: ours found better configurations).

M3: milliseconds per TPE suggestion with n finished trials of d uniform parameters, ours
(`sweep-bench suggest-cost`) and optuna's (`study.ask()` + d suggestions on a study of n trials).

Racing: the same 144-config grid, each seed in its own random order, raced over 10 folds in the
real coordinator machine (4 slots); fold fits saved and whether the selected config is the grid's
best or within one standard error of it.
"""
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "sweep-bench")
TABLE = os.path.join(ROOT, ".build", "bench", "svc-breast-cancer-12x12.csv")
SEEDS = 30
BUDGETS = [25, 50, 100]
BRANIN_MIN = 0.397887357729739
HARTMANN6_MIN = -3.322368011391339


def make_table():
    if os.path.exists(TABLE):
        return
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    import csv
    with open(os.path.join(ROOT, "examples", "datasets", "breast_cancer.csv")) as f:
        rows = list(csv.reader(f))
    target = rows[0].index("target")
    x = np.array([[float(v) for i, v in enumerate(r) if i != target] for r in rows[1:]])
    labels = sorted({r[target] for r in rows[1:]})
    y = np.array([labels.index(r[target]) for r in rows[1:]])
    cs, gammas = np.logspace(-2, 3, 12), np.logspace(-5, 1, 12)
    folds = list(StratifiedKFold(10, shuffle=True, random_state=0).split(x, y))
    os.makedirs(os.path.dirname(TABLE), exist_ok=True)
    with open(TABLE + ".tmp", "w") as out:
        out.write("c,g,fold,score\n")
        for i, c in enumerate(cs):
            for j, g in enumerate(gammas):
                for k, (train, valid) in enumerate(folds):
                    model = make_pipeline(StandardScaler(), SVC(C=c, gamma=g)).fit(x[train], y[train])
                    out.write(f"{i},{j},{k},{(model.predict(x[valid]) == y[valid]).mean()}\n")
    os.replace(TABLE + ".tmp", TABLE)


def table_means():
    rows = np.genfromtxt(TABLE, delimiter=",", names=True)
    means = {}
    for c, g, _, score in rows:
        means.setdefault((int(c), int(g)), []).append(score)
    return {key: float(np.mean(v)) for key, v in means.items()}


def ours(objective, algorithms):
    out = subprocess.run([BENCH, "search", "--objective", objective, "--table", TABLE, "--algorithms", ",".join(algorithms),
                          "--seeds", str(SEEDS), "--budget", str(max(BUDGETS))], check=True, capture_output=True, text=True).stdout
    traces = {}
    for line in out.splitlines():
        algorithm, _, trace = line.split(" ")
        traces.setdefault(algorithm, []).append([float(v) for v in trace.split(",")])
    return traces


def optuna_traces(objective, means, seeds=None, samplers=("optuna-random", "optuna-tpe")):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    a = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
    p = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
    alpha = np.array([1.0, 1.2, 3.0, 3.2])

    def f(trial):
        if objective == "branin":
            x1, x2 = trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)
            return (x2 - 5.1 / (4 * np.pi ** 2) * x1 ** 2 + 5 / np.pi * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x1) + 10
        if objective == "hartmann6":
            x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(1, 7)])
            return float(-np.sum(alpha * np.exp(-np.sum(a * (x - p) ** 2, axis=1))))
        return -means[(trial.suggest_int("c", 0, 11), trial.suggest_int("g", 0, 11))]

    traces = {}
    for name, make in [("optuna-random", lambda s: optuna.samplers.RandomSampler(seed=s)),
                       ("optuna-tpe", lambda s: optuna.samplers.TPESampler(seed=s))]:
        if name not in samplers:
            continue
        for seed in seeds or range(SEEDS):
            study = optuna.create_study(sampler=make(seed))
            study.optimize(f, n_trials=max(BUDGETS))
            traces.setdefault(name, []).append(list(np.minimum.accumulate([t.value for t in study.trials])))
    return traces


def summary(values):
    q = np.percentile(values, [25, 50, 75])
    return q[1], f"{q[1]:.4g} [{q[0]:.3g}, {q[2]:.3g}]"


def m6():
    means = table_means()
    optimum = {"branin": BRANIN_MIN, "hartmann6": HARTMANN6_MIN, "table": -max(means.values())}
    print(f"M6 search efficiency: regret = best found − optimum, median [IQR] over {SEEDS} seeds")
    for objective in ["branin", "hartmann6", "table"]:
        traces = ours(objective, ["random", "sobol", "tpe"])
        traces.update(optuna_traces(objective, means))
        names = ["random", "sobol", "tpe", "optuna-random", "optuna-tpe"]
        print(f"\n{objective}")
        print(f"{'budget':>6} " + " ".join(f"{n:>26}" for n in names) + f" {'optuna-tpe ÷ tpe':>17}")
        for budget in BUDGETS:
            cells, medians = [], {}
            for name in names:
                # A search that exhausted a finite space early keeps its best.
                regrets = [trace[min(budget, len(trace)) - 1] - optimum[objective] for trace in traces[name]]
                medians[name], text = summary(regrets)
                cells.append(f"{text:>26}")
            ratio = medians["optuna-tpe"] / medians["tpe"] if medians["tpe"] > 0 else (1.0 if medians["optuna-tpe"] == 0 else float("inf"))
            print(f"{budget:>6} " + " ".join(cells) + f" {ratio:>17.2f}")


def m3():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = subprocess.run([BENCH, "suggest-cost", "--history", "100,1000,5000", "--dimensions", "2,8", "--repeats", "20"],
                         check=True, capture_output=True, text=True).stdout
    ours_ms = {(int(n), int(d)): float(ms) for n, d, ms in (line.split() for line in out.splitlines())}
    print("\nM3 TPE suggest cost (ms per suggestion, median), n finished trials of d parameters")
    print(f"{'d':>3} {'n':>6} {'ours':>10} {'optuna':>10} {'optuna ÷ ours':>14}")
    for d in [2, 8]:
        for n in [100, 1000, 5000]:
            rng = np.random.default_rng(1)
            distributions = {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(d)}
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7))
            trials = []
            for _ in range(n):
                params = {name: float(rng.random()) for name in distributions}
                trials.append(optuna.trial.create_trial(params=params, distributions=distributions,
                                                        value=sum((v - 0.3) ** 2 for v in params.values())))
            study.add_trials(trials)
            times = []
            for _ in range(5 if n < 5000 else 3):
                start = time.perf_counter()
                trial = study.ask()
                for name in distributions:
                    trial.suggest_float(name, 0, 1)
                times.append((time.perf_counter() - start) * 1000)
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            theirs = statistics.median(times)
            print(f"{d:>3} {n:>6} {ours_ms[(n, d)]:>10.3f} {theirs:>10.3f} {theirs / ours_ms[(n, d)]:>14.1f}")


def racing():
    out = subprocess.run([BENCH, "racing", "--table", TABLE, "--seeds", str(SEEDS), "--slots", "4"],
                         check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    saved = [1 - int(r[1]) / int(r[2]) for r in rows]
    good = [r[8] == "true" for r in rows]
    exact = [r[4] == r[6] for r in rows]
    total = int(rows[0][2])
    print(f"\nRacing: 144 configs × 10 folds = {total} fold fits without racing, 4 slots, {SEEDS} seeds (grid in random order per seed)")
    print(f"  fold fits run: median {statistics.median(int(r[1]) for r in rows)} (saved median {100 * statistics.median(saved):.1f} %, "
          f"min {100 * min(saved):.1f} %); cancelled while running: median {statistics.median(int(r[3]) for r in rows)}")
    print(f"  selected the grid's best: {sum(exact)}/{SEEDS}; best or within one standard error of it: {sum(good)}/{SEEDS} "
          f"({100 * sum(good) / SEEDS:.0f} %)")


if __name__ == "__main__":
    make_table()
    parts = sys.argv[1:] or ["m6", "m3", "racing"]
    if "m6" in parts:
        m6()
    if "m3" in parts:
        m3()
    if "racing" in parts:
        racing()
