"""Multi-objective search efficiency, side by side with optuna 5 in one run.

Usage: Benchmarks/multiobjective.sh [PYTHON [--seeds 30] [--variables 30] [--problems zdt1,zdt2]]
       (PYTHON: an interpreter with optuna; the default is ../peers-venv/bin/python)

ZDT1 and ZDT2 (Zitzler, Deb & Thiele 2000) on `--variables` variables in [0, 1], both objectives
minimized, 30 seeds, one 200-trial run per seed read after 50, 100 and 200 trials. Ours: nsga2, tpe
and random through `sweep-bench multiobjective` (the samplers the coordinator runs, driven one
trial at a time with the driver's dedupe); optuna 5: NSGAIISampler, TPESampler and RandomSampler
with their defaults. Both sides print every trial's objective values; this script computes every
hypervolume with the same exact 2-D code, against the fixed reference point (1.1, 11) (f1 ≤ 1 and
f2 ≤ 10 on both problems). Prints median [IQR] per sampler and budget, and the ratio of our best
sampler's median to optuna's best sampler's median (≥ 1: ours is at least as good).

optuna's runs are kept in .build/bench/optuna-PROBLEM-VARIABLES-SEEDS.json (delete it to rerun them);
`--ours-from DIR` reads our runs from DIR/ours-PROBLEM.txt (the output of `sweep-bench multiobjective`)
instead of running the release binary.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("SWEEP_BENCH", os.path.join(ROOT, ".build", "release", "sweep-bench"))
BUDGETS = [50, 100, 200]
REFERENCE = (1.1, 11.0)


def argument(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


SEEDS = int(argument("--seeds", "30"))
VARIABLES = int(argument("--variables", "30"))
PROBLEMS = argument("--problems", "zdt1,zdt2").split(",")


def zdt(problem, x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    f1 = x[0]
    h = 1 - (f1 / g) ** 0.5 if problem == "zdt1" else 1 - (f1 / g) ** 2
    return f1, g * h


def hypervolume(points, reference=REFERENCE):
    """Exact 2-D hypervolume of `points` (minimized) bounded by `reference`."""
    inside = sorted((p for p in points if p[0] < reference[0] and p[1] < reference[1]))
    volume, ceiling = 0.0, reference[1]
    for f1, f2 in inside:
        if f2 < ceiling:
            volume += (reference[0] - f1) * (ceiling - f2)
            ceiling = f2
    return volume


def ours(problem):
    if "--ours-from" in sys.argv:
        out = open(os.path.join(argument("--ours-from", "."), f"ours-{problem}.txt")).read()
    else:
        command = [BENCH, "multiobjective", "--problem", problem, "--variables", str(VARIABLES),
                   "--algorithms", "nsga2,tpe,random", "--seeds", str(SEEDS), "--budget", str(max(BUDGETS))]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    runs = {}
    for line in out.splitlines():
        algorithm, _, points = line.split(" ")
        runs.setdefault(algorithm, []).append([tuple(map(float, p.split(","))) for p in points.split(";")])
    return runs


def optuna_runs(problem):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    samplers = {"NSGAIISampler": optuna.samplers.NSGAIISampler, "TPESampler": optuna.samplers.TPESampler,
                "RandomSampler": optuna.samplers.RandomSampler}
    runs = {}
    for name, make in samplers.items():
        for seed in range(SEEDS):
            study = optuna.create_study(directions=["minimize", "minimize"], sampler=make(seed=seed))
            study.optimize(lambda t: zdt(problem, [t.suggest_float(f"x{i}", 0, 1) for i in range(VARIABLES)]),
                           n_trials=max(BUDGETS))
            runs.setdefault(name, []).append([tuple(t.values) for t in study.trials])
    return runs


def summary(runs, budget):
    volumes = [hypervolume(points[:budget]) for points in runs]
    q1, median, q3 = np.percentile(volumes, [25, 50, 75])
    return median, q1, q3


def main():
    print(f"Multi-objective search: hypervolume (reference {REFERENCE}), {VARIABLES} variables, {SEEDS} seeds, "
          f"budgets {BUDGETS}; median [IQR], higher is better")
    for problem in PROBLEMS:
        started = time.time()
        mine = {f"ours {k}": v for k, v in ours(problem).items()}
        ours_seconds = time.time() - started
        started = time.time()
        cache = os.path.join(ROOT, ".build", "bench", f"optuna-{problem}-{VARIABLES}-{SEEDS}.json")
        if os.path.exists(cache):
            theirs = json.load(open(cache))
        else:
            theirs = optuna_runs(problem)
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            json.dump(theirs, open(cache, "w"))
        theirs = {f"optuna {k}": v for k, v in theirs.items()}
        optuna_seconds = time.time() - started
        print(f"\n{problem.upper()} ({VARIABLES} variables; ours {ours_seconds:.0f} s, optuna {optuna_seconds:.0f} s)")
        header = "| sampler | " + " | ".join(f"HV @ {b}" for b in BUDGETS) + " |"
        print(header)
        print("|" + "---|" * (len(BUDGETS) + 1))
        table = {**mine, **theirs}
        for name, runs in table.items():
            cells = [summary(runs, b) for b in BUDGETS]
            print(f"| {name} | " + " | ".join(f"{m:.3f} [{a:.3f}, {c:.3f}]" for m, a, c in cells) + " |")
        ratios = []
        for b in BUDGETS:
            best_ours = max(summary(v, b)[0] for v in mine.values())
            best_theirs = max(summary(v, b)[0] for v in theirs.values())
            ratios.append(f"{best_ours / best_theirs:.3f}")
        print("| ratio ours best ÷ optuna best | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
