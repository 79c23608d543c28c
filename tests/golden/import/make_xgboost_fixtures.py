#!/usr/bin/python3
"""Trains small XGBoost models and writes the fixtures of tests/unit/gbdt/import_test.cpp.

Run with Debian's /usr/bin/python3 (python3-xgboost 1.7, numpy, pandas) from this folder:
    /usr/bin/python3 make_xgboost_fixtures.py
For each model NAME it writes
    NAME.json           booster.save_model(): the file finai imports
    NAME_data.csv       the rows to predict: a header of feature names, one row per line, empty = missing;
                        categorical features hold XGBoost's integer category codes
    NAME_expected.csv   XGBoost's own predictions of those rows at 17 significant digits: margin (output_margin=True)
                        and prob (the objective's transform) per output, then leaf_T, the node id each row reaches in
                        tree T (pred_leaf=True)
Everything is seeded and single-threaded, so a re-run writes the same files.
"""
import csv
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

ROWS = 500
HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return "" if np.isnan(v) else "%.17g" % v


def write_data(name, columns, matrix):
    with open(os.path.join(HERE, name + "_data.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for row in matrix:
            w.writerow([fmt(v) for v in row])


def write_expected(name, booster, dmatrix, num_outputs):
    margin = np.asarray(booster.predict(dmatrix, output_margin=True), dtype=np.float64).reshape(-1, num_outputs)
    prob = np.asarray(booster.predict(dmatrix), dtype=np.float64).reshape(-1, num_outputs)
    leaves = np.asarray(booster.predict(dmatrix, pred_leaf=True)).reshape(margin.shape[0], -1)
    suffix = (lambda k: "") if num_outputs == 1 else (lambda k: "_%d" % k)
    header = ["margin" + suffix(k) for k in range(num_outputs)] + ["prob" + suffix(k) for k in range(num_outputs)]
    header += ["leaf_%d" % t for t in range(leaves.shape[1])]
    with open(os.path.join(HERE, name + "_expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in range(margin.shape[0]):
            w.writerow([fmt(v) for v in margin[r]] + [fmt(v) for v in prob[r]] + ["%d" % v for v in leaves[r]])
    return margin


def save(name, booster):
    path = os.path.join(HERE, name + ".json")
    booster.save_model(path)
    size = os.path.getsize(path)
    assert size < 200_000, f"{path} is {size} bytes; keep fixtures small"


def binary_logistic():
    # Credit-like data; NaNs in two features so that default directions matter.
    rng = np.random.default_rng(101)
    x = np.column_stack([rng.normal(40, 12, ROWS), rng.lognormal(10, 0.6, ROWS), rng.uniform(0, 1, ROWS),
                         rng.integers(0, 30, ROWS).astype(np.float64)])
    x[rng.random(ROWS) < 0.15, 1] = np.nan
    x[rng.random(ROWS) < 0.05, 3] = np.nan
    f = 0.04 * (x[:, 0] - 40) + np.where(np.isnan(x[:, 1]), 0.8, np.where(x[:, 1] > 25000, -0.7, 0.3)) + 2.5 * x[:, 2] - 1.2
    y = (rng.random(ROWS) < 1 / (1 + np.exp(-f))).astype(np.float64)
    names = ["age", "income", "utilization", "tenure"]
    d = xgb.DMatrix(x, label=y, feature_names=names)
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "base_score": 0.35, "seed": 7, "nthread": 1,
              "tree_method": "hist"}
    b = xgb.train(params, d, num_boost_round=20)
    save("xgb_binary", b)
    write_data("xgb_binary", names, x)
    write_expected("xgb_binary", b, xgb.DMatrix(x, feature_names=names), 1)


def regression():
    # No feature names in the file (finai names them f0, f1, f2); exact tree method, a NaN column.
    rng = np.random.default_rng(202)
    x = rng.normal(0, 1, (ROWS, 3))
    x[rng.random(ROWS) < 0.1, 2] = np.nan
    y = 3 * x[:, 0] + np.sin(2 * x[:, 1]) + np.nan_to_num(x[:, 2]) ** 2 + rng.normal(0, 0.3, ROWS)
    params = {"objective": "reg:squarederror", "max_depth": 3, "eta": 0.2, "seed": 7, "nthread": 1, "tree_method": "exact"}
    b = xgb.train(params, xgb.DMatrix(x, label=y), num_boost_round=15)
    save("xgb_regression", b)
    write_data("xgb_regression", ["f0", "f1", "f2"], x)
    write_expected("xgb_regression", b, xgb.DMatrix(x), 1)


def multiclass():
    rng = np.random.default_rng(303)
    x = rng.normal(0, 1, (ROWS, 4))
    x[rng.random(ROWS) < 0.08, 0] = np.nan
    score = np.column_stack([np.nan_to_num(x[:, 0]) + x[:, 1], -x[:, 1] + 0.5 * x[:, 2], x[:, 3] - 0.3])
    y = np.argmax(score + rng.gumbel(0, 0.5, score.shape), axis=1).astype(np.float64)
    names = ["a", "b", "c", "d"]
    params = {"objective": "multi:softprob", "num_class": 3, "max_depth": 3, "eta": 0.3, "seed": 7, "nthread": 1,
              "tree_method": "hist"}
    b = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=8)
    save("xgb_multiclass", b)
    write_data("xgb_multiclass", names, x)
    write_expected("xgb_multiclass", b, xgb.DMatrix(x, feature_names=names), 3)


def categorical():
    # A pandas category column with 9 levels (partition splits), one with 3 levels (one-hot splits: fewer than
    # max_cat_to_onehot = 4), a few missing categories. Extra rows at the end carry codes XGBoost never saw.
    rng = np.random.default_rng(404)
    amount = rng.lognormal(6, 1, ROWS)
    segment = rng.integers(0, 9, ROWS)
    channel = rng.integers(0, 3, ROWS)
    f = 0.5 * (np.log(amount) - 6) + np.array([1.2, -0.8, 0.3, 0.9, -1.1, 0.0, 0.6, -0.4, 1.5])[segment] \
        + np.array([0.0, 0.8, -0.6])[channel]
    y = (rng.random(ROWS) < 1 / (1 + np.exp(-f))).astype(np.float64)
    seg = pd.Categorical.from_codes(segment, categories=[f"s{i}" for i in range(9)])
    chan = pd.Categorical.from_codes(channel, categories=["branch", "web", "phone"])
    seg[rng.random(ROWS) < 0.05] = np.nan
    chan[rng.random(ROWS) < 0.05] = np.nan
    frame = pd.DataFrame({"amount": amount, "segment": seg, "channel": chan})
    params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 7, "nthread": 1, "tree_method": "hist",
              "max_cat_to_onehot": 4}
    b = xgb.train(params, xgb.DMatrix(frame, label=y, enable_categorical=True), num_boost_round=15)
    save("xgb_categorical", b)
    codes = np.column_stack([amount, frame["segment"].cat.codes.to_numpy(np.float64),
                             frame["channel"].cat.codes.to_numpy(np.float64)])
    codes[codes == -1] = np.nan  # pandas' code for a missing category
    # Unseen codes (XGBoost 1.7 sends a category it has no bit for left), a negative code (invalid: left), missing.
    extra = np.array([[500.0, 9, 0], [800.0, 40, 1], [300.0, 100, 2], [1200.0, 3, 3], [90.0, 5, 7],
                      [400.0, -1, 1], [700.0, np.nan, 4], [60.0, 8, np.nan]])
    x = np.vstack([codes, extra])
    names = ["amount", "segment", "channel"]
    write_data("xgb_categorical", names, x)
    dx = xgb.DMatrix(x, feature_names=names, feature_types=["q", "c", "c"], enable_categorical=True)
    margin = write_expected("xgb_categorical", b, dx, 1)
    # The numeric-code matrix must predict the training rows as the pandas frame did.
    ref = b.predict(xgb.DMatrix(frame, enable_categorical=True), output_margin=True)
    assert np.array_equal(ref, margin[:ROWS, 0].astype(np.float32)), "code matrix and frame disagree"


if __name__ == "__main__":
    assert xgb.__version__.startswith("1.7"), f"fixtures were made with xgboost 1.7, this is {xgb.__version__}"
    binary_logistic()
    regression()
    multiclass()
    categorical()
    sys.exit(0)
