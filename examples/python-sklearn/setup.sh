#!/bin/sh
# Installs scikit-learn for train.py if this host does not have it yet.
python3 -c "import sklearn" 2>/dev/null || python3 -m pip install --quiet scikit-learn
