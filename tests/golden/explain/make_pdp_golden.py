#!/usr/bin/python3
"""Trains two small seeded XGBoost classifiers and writes scikit-learn's partial dependence and ICE values of them, the
independent reference of tests/unit/explain/pdp_golden_test.cpp.

Run with Debian's /usr/bin/python3 (python3-xgboost 1.7.4, python3-sklearn 1.2.1, numpy) from any folder:
    /usr/bin/python3 tests/golden/explain/make_pdp_golden.py
It writes into this folder
    pdp_data.csv           200 rows of x0 (no missing value), x1 and x2 (about 10% missing, empty), x3 (integers 0..5);
                           the models are trained on these rows as read back from this file, so the C++ test sees the
                           very same numbers
    pdp_binary.json        XGBClassifier (binary:logistic, 12 trees of depth 3), booster.save_model(); the features
                           are named x0..x3, so `finai import` + `finai explain --pdp` run on pdp_data.csv
    pdp_multiclass.json    XGBClassifier (multi:softprob, 3 classes, 5 rounds of depth 2)
    pdp_fixed_pd.csv       the "fixed" case's PD curve alone (value,pd) for tests/golden/explain.test
    pdp_expected.csv       case,feature,class,point,grid_value,row,prediction: for each case the grid (point index,
                           grid value), the PD curve (row = -1) and the ICE curves of rows 0, 20, ..., 180 (row = the
                           0-based row), predictions on the probability scale (predict_proba), 10 significant digits
                           for the predictions and 17 for the grid
The cases, all sklearn.inspection partial dependence by brute force (method="brute", kind="both"):
    default     binary, x0: the default grid of scikit-learn (percentiles 0.05 / 0.95) at grid_resolution=10
    unique      binary, x3: fewer distinct values than grid_resolution=10, so the grid is the distinct values
    fixed       binary, x1 (missing values in the data): a fixed grid, through scikit-learn's own brute-force routine
                (sklearn.inspection._partial_dependence._partial_dependence_brute; 1.2 has no public custom grid)
    multiclass  multiclass, x0, default grid at grid_resolution=5: one curve per class
Everything is seeded and single-threaded, so a re-run writes the same files.
"""
import csv
import os

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.inspection import partial_dependence
from sklearn.inspection._partial_dependence import _partial_dependence_brute

HERE = os.path.dirname(os.path.abspath(__file__))
ICE_ROWS = list(range(0, 200, 20))
FIXED_GRID = [-2.0, -0.5, 0.0, 0.25, 1.5, 3.0]


def make_data():
    rng = np.random.default_rng(20261207)
    n = 200
    x = np.column_stack([rng.normal(size=n), rng.normal(size=n), rng.normal(size=n),
                         rng.integers(0, 6, size=n).astype(float)])
    x[:, :3] = np.round(x[:, :3], 4)
    for j in (1, 2):
        x[rng.random(n) < 0.1, j] = np.nan
    f = 1.2 * x[:, 0] - np.nan_to_num(x[:, 1], nan=0.5) + 0.4 * x[:, 3] * (np.nan_to_num(x[:, 2]) > 0) - 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-f))).astype(int)
    z = f + rng.normal(size=n)
    y3 = np.where(z < -1.5, 0, np.where(z < 0.0, 1, 2))
    path = os.path.join(HERE, "pdp_data.csv")
    with open(path, "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["x0", "x1", "x2", "x3"])
        for row in x:
            w.writerow(["" if np.isnan(v) else ("%d" % v if j == 3 else "%.4f" % v) for j, v in enumerate(row)])
    # The rows exactly as the C++ test parses them.
    with open(path) as f_in:
        lines = f_in.read().splitlines()[1:]
    back = np.array([[float(v) if v else np.nan for v in line.split(",")] for line in lines])
    # A data frame, so that the saved models name their features x0..x3 like the file's columns.
    return pd.DataFrame(back, columns=["x0", "x1", "x2", "x3"]), y, y3


def train(x, y, **params):
    model = xgb.XGBClassifier(max_depth=params.pop("max_depth"), n_estimators=params.pop("n_estimators"),
                              learning_rate=0.3, random_state=7, n_jobs=1, tree_method="exact", **params)
    model.fit(x, y)
    return model


def rows_of(case, feature, grid, average, individual):
    """average: (classes, points); individual: (classes, rows, points)."""
    out = []
    for k in range(average.shape[0]):
        cls = 1 if average.shape[0] == 1 else k  # binary: the event class
        for p, g in enumerate(grid):
            out.append([case, feature, cls, p, "%.17g" % g, -1, "%.10g" % average[k, p]])
            for r in ICE_ROWS:
                out.append([case, feature, cls, p, "%.17g" % g, r, "%.10g" % individual[k, r, p]])
    return out


def main():
    x, y, y3 = make_data()
    binary = train(x, y, max_depth=3, n_estimators=12)
    binary.get_booster().save_model(os.path.join(HERE, "pdp_binary.json"))
    multi = train(x, y3, max_depth=2, n_estimators=5)
    multi.get_booster().save_model(os.path.join(HERE, "pdp_multiclass.json"))

    lines = []
    pd0 = partial_dependence(binary, x, [0], method="brute", kind="both", grid_resolution=10)
    lines += rows_of("default", "x0", pd0["values"][0], pd0["average"], pd0["individual"])
    pd3 = partial_dependence(binary, x, [3], method="brute", kind="both", grid_resolution=10)
    assert len(pd3["values"][0]) == 6
    lines += rows_of("unique", "x3", pd3["values"][0], pd3["average"], pd3["individual"])
    grid = np.array(FIXED_GRID).reshape(-1, 1)
    average, individual = _partial_dependence_brute(binary, grid, [1], x, "auto")
    lines += rows_of("fixed", "x1", FIXED_GRID, average.reshape(1, -1), individual.reshape(1, x.shape[0], -1))
    with open(os.path.join(HERE, "pdp_fixed_pd.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["value", "pd"])
        w.writerows([["%.17g" % g, "%.10g" % a] for g, a in zip(FIXED_GRID, average.reshape(-1))])
    # x1 and x2 have missing values, for which scikit-learn 1.2's default grid is NaN: the default grids are of x0, x3.
    pdm = partial_dependence(multi, x, [0], method="brute", kind="both", grid_resolution=5)
    lines += rows_of("multiclass", "x0", pdm["values"][0], pdm["average"], pdm["individual"])

    # The brute force checked against the booster directly: PD is the mean of the ICE curves.
    assert np.allclose(pd0["average"][0], pd0["individual"][0].mean(axis=0), atol=1e-6)
    with open(os.path.join(HERE, "pdp_expected.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["case", "feature", "class", "point", "grid_value", "row", "prediction"])
        w.writerows(lines)


if __name__ == "__main__":
    main()
