"""A real training script for Sweep: gradient boosting from scikit-learn on one CV fold.

Sweep runs it once per (trial, fold) with the fold's rows in SWEEP_TRAIN_CSV / SWEEP_VALID_CSV and
the trial's hyperparameters in SWEEP_PARAMS (JSON). It reports validation accuracy after every
boosting stage as an intermediate result (with "step"), then the final metrics.
"""
import csv
import json
import os
import sys

try:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import accuracy_score, f1_score, log_loss
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


params = json.loads(os.environ["SWEEP_PARAMS"])
x_train, y_train = load(os.environ["SWEEP_TRAIN_CSV"], "target")
x_valid, y_valid = load(os.environ["SWEEP_VALID_CSV"], "target")
print(f"fold {os.environ['SWEEP_FOLD']}: {len(x_train)} training rows, {len(x_valid)} validation rows", file=sys.stderr)

model = GradientBoostingClassifier(
    learning_rate=params["learning_rate"],
    max_depth=params["max_depth"],
    n_estimators=params["n_estimators"],
    subsample=params.get("subsample", 1.0),
    random_state=int(os.environ.get("SWEEP_SEED", "0")),
)
model.fit(x_train, y_train)
for step, predicted in enumerate(model.staged_predict(x_valid), start=1):
    if step % 10 == 0:
        report(step=step, accuracy=accuracy_score(y_valid, predicted))

predicted = model.predict(x_valid)
report(
    accuracy=accuracy_score(y_valid, predicted),
    f1_macro=f1_score(y_valid, predicted, average="macro"),
    log_loss=log_loss(y_valid, model.predict_proba(x_valid), labels=model.classes_),
)
