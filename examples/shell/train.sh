#!/bin/sh
# A minimal command trainer in plain shell: it "trains" for a few steps on its fold and reports
# a validation score. Arguments: X Y (from the spec's {x} and {y} placeholders).
# Sweep sets SWEEP_FOLD, SWEEP_FOLDS, SWEEP_TRIAL, SWEEP_PARAMS, SWEEP_TASK_DIR and more (see README).
x="$1"
y="$2"
echo "trial $SWEEP_TRIAL fold $SWEEP_FOLD/$SWEEP_FOLDS with params $SWEEP_PARAMS" >&2
for step in 1 2 3; do
    # An intermediate report: with a "step" key it feeds early stopping later.
    awk -v x="$x" -v y="$y" -v s="$step" -v f="$SWEEP_FOLD" 'BEGIN {
        printf "@sweep {\"step\": %d, \"score\": %.6f}\n", s, -((x - 2) ^ 2 + (y + 1) ^ 2) * (4 - s) / 3 - 0.01 * f }'
done
# The final report: the objective metric, and any others.
awk -v x="$x" -v y="$y" -v f="$SWEEP_FOLD" 'BEGIN {
    printf "@sweep {\"score\": %.6f, \"distance\": %.6f}\n", -((x - 2) ^ 2 + (y + 1) ^ 2) - 0.01 * f, sqrt((x - 2) ^ 2 + (y + 1) ^ 2) }'
