"""A real training script for Sweep: gradient boosting from scikit-learn on one CV fold.

Sweep runs it once per (trial, fold) with the fold's rows in SWEEP_TRAIN_CSV / SWEEP_VALID_CSV and
the trial's hyperparameters in SWEEP_PARAMS (JSON). It reports validation accuracy after every
boosting stage as an intermediate result (with "step"), then the final metrics, and saves the
fitted pipeline to $SWEEP_ARTIFACTS/model.pkl (the best trial's come back to RUN/artifacts/).

With `refit: true`, Sweep runs it once more after the search with SWEEP_REFIT=1 (SWEEP_FOLD=-1):
every search row is in SWEEP_TRAIN_CSV and there is no SWEEP_VALID_CSV; the pickled pipeline it
saves becomes the run's model, RUN/model/model.pkl.
"""
import csv
import json
import os
import pickle
import sys

try:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import accuracy_score, f1_score, log_loss
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError:
    sys.exit("scikit-learn is not installed on this worker host: run examples/python-sklearn/setup.sh")


def load(path, target):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    features = [name for name in rows[0] if name != target]
    x = [[float(row[name]) for name in features] for row in rows]
    y = [row[target] for row in rows]
    return x, y


def report(**metrics):
    print("@sweep " + json.dumps(metrics), flush=True)


def save(pipeline, features):
    """The fitted pipeline and its input columns, for Sweep to bring back (optional outside Sweep)."""
    directory = os.environ.get("SWEEP_ARTIFACTS")
    if directory:
        with open(os.path.join(directory, "model.pkl"), "wb") as handle:
            pickle.dump({"pipeline": pipeline, "features": features}, handle)


params = json.loads(os.environ["SWEEP_PARAMS"])
x_train, y_train = load(os.environ["SWEEP_TRAIN_CSV"], "target")
with open(os.environ["SWEEP_TRAIN_CSV"], newline="") as handle:
    features = [name for name in next(csv.reader(handle)) if name != "target"]
refit = os.environ.get("SWEEP_REFIT") == "1"
pipeline = Pipeline([
    ("scale", StandardScaler()),
    ("model", GradientBoostingClassifier(
        learning_rate=params["learning_rate"],
        max_depth=params["max_depth"],
        n_estimators=params["n_estimators"],
        subsample=params.get("subsample", 1.0),
        random_state=int(os.environ.get("SWEEP_SEED", "0")),
    )),
])
if refit:
    print(f"refit on {len(x_train)} rows", file=sys.stderr)
    pipeline.fit(x_train, y_train)
    save(pipeline, features)
    sys.exit(0)

x_valid, y_valid = load(os.environ["SWEEP_VALID_CSV"], "target")
print(f"fold {os.environ['SWEEP_FOLD']}: {len(x_train)} training rows, {len(x_valid)} validation rows", file=sys.stderr)
pipeline.fit(x_train, y_train)
scaled = pipeline.named_steps["scale"].transform(x_valid)
for step, predicted in enumerate(pipeline.named_steps["model"].staged_predict(scaled), start=1):
    if step % 10 == 0:
        report(step=step, accuracy=accuracy_score(y_valid, predicted))

predicted = pipeline.predict(x_valid)
report(
    accuracy=accuracy_score(y_valid, predicted),
    f1_macro=f1_score(y_valid, predicted, average="macro"),
    log_loss=log_loss(y_valid, pipeline.predict_proba(x_valid), labels=pipeline.classes_),
)
save(pipeline, features)
