#!/usr/bin/python3
"""Independent reference for the scorecard -> validate / recalibrate pipeline in tests/golden/scorecard.test.

Reads the scores `finai scorecard apply --keep Status` wrote (fit as in that test: credit_data, schema, --max-bins
6) and prints, with pandas and sklearn, the AUROC of the points (higher = safer) and the rows and defaults per
grade of data/credit_master_scale.json (grade = first upper bound >= PD).
Recalibration: run it on the scores of the L2-penalised card of that test (--l2 200), whose shrunken
coefficients Platt scaling undoes (slope > 1), and the intercept shift to a mean PD of 5% (scipy brentq).
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

# Platt scaling (finai scorecard recalibrate --method platt): statsmodels Logit of the outcome on the card's
# logit PD. On the unpenalised card's own training rows this is slope 1, shift 0 (maximum likelihood already).
import numpy as np
import statsmodels.api as sm
from scipy.optimize import brentq
from scipy.special import expit

logit = np.log(scores.pd / (1 - scores.pd))
fit = sm.Logit(bad.astype(float), sm.add_constant(logit)).fit(disp=0, tol=1e-12)
print(f"Platt slope {fit.params.iloc[1]:.6f} shift {fit.params.iloc[0]:+.6f}")
shift = brentq(lambda c: expit(logit + c).mean() - 0.05, -20, 20, xtol=1e-14)
print(f"intercept shift to mean PD 0.05: {shift:+.6f} (mean PD before {scores.pd.mean():.6f})")
