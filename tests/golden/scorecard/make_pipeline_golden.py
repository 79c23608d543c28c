#!/usr/bin/python3
"""Independent reference for the scorecard -> validate pipeline in tests/golden/scorecard.test.

Reads the scores `finai scorecard apply --keep Status` wrote (fit as in that test: credit_data, schema, --max-bins
6) and prints, with pandas and sklearn, the AUROC of the points (higher = safer) and the rows and defaults per
grade of data/credit_master_scale.json (grade = first upper bound >= PD).
    python3 tests/golden/scorecard/make_pipeline_golden.py scores.csv
"""
import json
import sys

import pandas as pd
from sklearn.metrics import roc_auc_score

scores = pd.read_csv(sys.argv[1])
scale = json.load(open("data/credit_master_scale.json"))["grades"]
bounds = [0.0] + [g["upper"] for g in scale]
grade = pd.cut(scores.pd, bounds, include_lowest=True, labels=[g["name"] for g in scale])
bad = scores.Status == "bad"
print(f"AUROC {roc_auc_score(bad, -scores.score):.6f}")
for name, rows in scores.groupby(grade, observed=False):
    print(f"grade {name}: {len(rows)} rows, {(rows.Status == 'bad').sum()} defaults")
