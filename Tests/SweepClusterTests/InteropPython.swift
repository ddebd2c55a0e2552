import Foundation

/// The Python side of InteropClusterTests: a venv outside the repository with optuna, pandas,
/// plotly and scikit-learn (made by `scripts/setup.sh`, at `$SWEEP_TEST_VENV`, else
/// `~/.cache/sweep/interop-venv`), and the checks it runs on what `sweep export` wrote.
enum InteropPython {
    static let venv: String =
        ProcessInfo.processInfo.environment["SWEEP_TEST_VENV"]
        ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/sweep/interop-venv")

    static var python: String { (venv as NSString).appendingPathComponent("bin/python") }

    /// Why the interop tests cannot run here (nil: they can).
    static let unavailableReason: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return
                "no Python venv at \(venv) (set SWEEP_TEST_VENV, or run scripts/setup.sh, which makes one where python3-venv and PyPI are reachable)"
        }
        let probe = run(["-c", "import optuna, pandas, plotly, sklearn, scipy"])
        guard probe.status == 0 else {
            return "the venv at \(venv) lacks optuna, pandas, plotly or scikit-learn: \(probe.output.suffix(300))"
        }
        return nil
    }()

    /// Runs the venv's Python with `arguments`; its exit status and both streams together.
    static func run(_ arguments: [String], directory: URL? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "cannot start \(python): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A command trainer: reports nine steps of a score that depends on every parameter (so ASHA
    /// stops the weaker trials), then the final score; but `kind: broken` fails on fold 0 before
    /// reporting anything (so ASHA, which judges fold 0, cannot stop it first). Its fold 1
    /// succeeds, so the sweep's fail-fast rule ("every attempt so far failed") never ends it.
    static let trainer = """
        import json, math, os, sys
        p = json.loads(os.environ["SWEEP_PARAMS"])
        fold = int(os.environ["SWEEP_FOLD"])
        if p["kind"] == "broken" and fold == 0:
            sys.exit("broken on purpose")
        q = {"good": 0.8, "fair": 0.5, "broken": 0.5}[p["kind"]] - 0.05 * abs(math.log10(p["lr"]) + 1.5) + 0.01 * p["layers"]
        q += 0.001 * p.get("width", 0) + 0.01 * fold + 0.0001 * p.get("batch", 0) - 0.01 * p.get("dropout", 0)
        for step in range(1, 10):
            print("@sweep " + json.dumps({"step": step, "score": q * step / 9}), flush=True)
        print("@sweep " + json.dumps({"score": q}))
        """

    /// Reads the optuna study back with optuna and checks it against run.db and trials.csv:
    /// every trial's state, params, values and fold 0's intermediate values; then plots it.
    /// Arguments: storage URL, study name, run directory, objective metric.
    static let checkOptuna = """
        import csv, math, sqlite3, sys
        import optuna
        from optuna.trial import TrialState
        storage, name, run, metric = sys.argv[1:5]
        study = optuna.load_study(study_name=name, storage=storage)
        trials = study.get_trials(deepcopy=False)
        rows = list(csv.DictReader(open(run + "/trials.csv")))
        assert len(trials) == len(rows), (len(trials), len(rows))
        states = {"ok": TrialState.COMPLETE, "failed": TrialState.FAIL, "stopped": TrialState.PRUNED}
        db = sqlite3.connect("file:" + run + "/run.db?mode=ro", uri=True)
        for trial, row in zip(trials, rows):
            trial._validate()
            assert trial.number == int(row["trial"]), (trial.number, row["trial"])
            assert trial.state == states.get(row["status"], TrialState.RUNNING), (trial.number, trial.state, row)
            assert trial.user_attrs["sweep_trial"] == trial.number
            for key, value in trial.params.items():
                assert str(value).lower() == row[key].lower() or float(value) == float(row[key]), (key, value, row)
            if row.get("width", "") == "":
                assert "width" not in trial.params, (trial.number, trial.params)
            if trial.state == TrialState.COMPLETE:
                assert math.isclose(trial.value, float(row[metric + "_mean"]), rel_tol=1e-12), (trial.value, row)
            counted = db.execute("SELECT attempt FROM results WHERE counted = 1 AND fold = 0 AND trial = ?",
                                 (trial.number,)).fetchone()
            if counted:
                expected = dict(db.execute("SELECT step, value FROM reports WHERE trial = ? AND fold = 0 AND attempt = ? "
                                           "ORDER BY id", (trial.number, counted[0])).fetchall())
                assert trial.intermediate_values == expected, (trial.number, trial.intermediate_values, expected)
            if trial.state == TrialState.PRUNED and trial.intermediate_values:
                last = trial.intermediate_values[max(trial.intermediate_values)]
                assert trial.value == last, (trial.value, last)
        best = max((t for t in trials if t.state == TrialState.COMPLETE), key=lambda t: t.value)
        assert study.best_trial.number == best.number
        assert study.metric_names == [metric], study.metric_names
        from optuna import visualization as vis
        figures = [vis.plot_optimization_history(study), vis.plot_param_importances(study)]
        if any(t.intermediate_values for t in trials):
            figures.append(vis.plot_intermediate_values(study))
        assert all(len(f.data) > 0 for f in figures), [len(f.data) for f in figures]
        study.trials_dataframe()
        print("optuna ok:", {s.name: sum(t.state == s for t in trials) for s in TrialState})
        """

    /// Loads the cv_results CSV with pandas and checks its columns (against a real GridSearchCV's
    /// where `grid` says which), means, stds and ranks against numpy and scipy.
    /// Arguments: CSV file, objective's goal (maximize/minimize), and for iris the dataset path.
    static let checkCVResults = """
        import ast, sys
        import numpy as np, pandas as pd
        from scipy.stats import rankdata
        path, goal = sys.argv[1:3]
        frame = pd.read_csv(path)
        metrics = [c[len("mean_test_"):] for c in frame.columns if c.startswith("mean_test_")]
        for m in metrics:
            splits = frame[[c for c in frame.columns if c.startswith("split") and c.endswith("_test_" + m)]]
            values = splits.to_numpy(dtype=float)
            complete = ~np.isnan(frame["mean_test_" + m].to_numpy(dtype=float))
            assert np.allclose(frame["mean_test_" + m][complete], values[complete].mean(axis=1), rtol=0, atol=1e-12), m
            assert np.allclose(frame["std_test_" + m][complete], values[complete].std(axis=1), rtol=0, atol=1e-12), m
            means = frame["mean_test_" + m].to_numpy(dtype=float)
            lower = (m == metrics[0] and goal == "minimize") or m in ("log_loss", "rmse", "mae", "brier", "fit_seconds", "predict_seconds", "model_bytes")
            key = -means if lower else means
            if np.isnan(key).all():
                ranks = np.ones(len(key), dtype=np.int32)
            else:
                key = np.nan_to_num(key, nan=np.nanmin(key) - 1)
                ranks = rankdata(-key, method="min").astype(np.int32)
            assert (frame["rank_test_" + m].to_numpy() == ranks).all(), (m, frame["rank_test_" + m].tolist(), ranks)
        for _, row in frame.iterrows():
            params = ast.literal_eval(row["params"])
            for column in frame.columns:
                if column.startswith("param_"):
                    name = column[len("param_"):]
                    if pd.isna(row[column]):
                        assert name not in params, (name, params)
                    else:
                        # A column with empty cells reads as floats: 42 is 42.0 there.
                        same = str(params[name]) == str(row[column]) or (
                            not isinstance(params[name], (str, bool)) and float(params[name]) == float(row[column]))
                        assert same, (name, params[name], row[column])
        if len(sys.argv) > 3:
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import GridSearchCV
            data = pd.read_csv(sys.argv[3])
            X, y = data.drop(columns=["target"]).to_numpy(), data["target"]
            grid = {k[len("param_"):]: sorted(set(frame[k].tolist())) for k in frame.columns if k.startswith("param_")}
            # Resource metrics (fit_seconds, …) are ours alone: scikit-learn has no scorer for them.
            resource = ("fit_seconds", "predict_seconds", "model_bytes")
            scoring = {m: "neg_log_loss" if m == "log_loss" else m for m in metrics if m not in resource}
            folds = sum(c.endswith("_test_" + metrics[0]) and c.startswith("split") for c in frame.columns)
            search = GridSearchCV(LogisticRegression(), grid, scoring=scoring, refit=False, cv=folds).fit(X, y)
            ours = [c for c in frame.columns if not any(c.endswith("_test_" + r) for r in resource)]
            assert list(search.cv_results_) == ours, (list(search.cv_results_), ours)
            theirs = pd.DataFrame(search.cv_results_)
            assert sorted(theirs["params"].map(str)) == sorted(frame["params"]), (theirs["params"], frame["params"])
        print("cv-results ok:", len(frame), "rows,", len(frame.columns), "columns")
        """

    /// Reads a multi-objective study back: directions, metric names, each complete trial's values
    /// and constraint against trials.csv, `best_trials` against best.json's front, and its plot.
    /// Arguments: storage URL, study name, run directory.
    static let checkParetoFront = """
        import csv, json, math, sys
        import optuna
        from optuna.trial import TrialState
        storage, name, run = sys.argv[1:4]
        study = optuna.load_study(study_name=name, storage=storage)
        assert [d.name for d in study.directions] == ["MAXIMIZE", "MINIMIZE"], study.directions
        assert study.metric_names == ["accuracy", "seconds"], study.metric_names
        rows = {int(r["trial"]): r for r in csv.DictReader(open(run + "/trials.csv"))}
        for trial in study.trials:
            trial._validate()
            if trial.state != TrialState.COMPLETE:
                continue
            row = rows[trial.number]
            expected = [float(row["accuracy_mean"]), float(row["seconds_mean"])]
            assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(trial.values, expected)), (trial.values, row)
            feasible = float(row["latency_ms_mean"]) <= 12
            assert (trial.constraints["0"] <= 0) == feasible, (trial.constraints, row)
        front = sorted(entry["trial"] for entry in json.load(open(run + "/best.json"))["pareto"])
        ours = sorted(t.number for t in study.best_trials)
        assert front and ours == front, (ours, front)
        figure = optuna.visualization.plot_pareto_front(study)
        assert len(figure.data) > 0
        print("pareto ok:", len(front), "trials on the front")
        """
}
