#!/usr/bin/python3
"""Trains small seeded XGBoost models and writes XGBoost's own SHAP values for tests/unit/explain/xgboost_shap_test.cpp.

Run with Debian's /usr/bin/python3 (python3-xgboost 1.7.4, numpy, pandas) from any folder:
    /usr/bin/python3 tests/golden/explain/make_xgb_shap.py
For each model NAME it writes into this folder
    NAME.json          booster.save_model(): the model finai imports with ImportXgboostJson
    NAME_data.csv      the rows to explain: a header of feature names, empty = missing; categorical features hold
                       XGBoost's integer category codes (only codes seen in training)
    NAME_shap.csv      booster.predict(..., pred_contribs=True) at 17 significant digits: one column per feature, then
                       "bias" (XGBoost's expected value, base_score's margin included); multiclass: output k's
                       columns are suffixed _k
    NAME_interactions.csv  (binary model only) booster.predict(..., pred_interactions=True), see write_interactions
Everything is seeded and single-threaded, so a re-run writes the same files.
"""
import csv
import os

import numpy as np
import pandas as pd
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return "" if np.isnan(v) else "%.17g" % v


def write_interactions(name, booster, names, dmatrix, rows):
    """booster.predict(pred_interactions=True): one line per row, (features + 1)^2 columns "a:b" (row feature a,
    column feature b, "bias" last), 17 significant digits. Each row block's line a sums to a's contribution."""
    inter = np.asarray(booster.predict(dmatrix, pred_interactions=True), dtype=np.float64)
    contribs = np.asarray(booster.predict(dmatrix, pred_contribs=True), dtype=np.float64)
    assert np.max(np.abs(inter.sum(axis=2) - contribs)) < 1e-4
    full = names + ["bias"]
    with open(os.path.join(HERE, name + "_interactions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([a + ":" + b for a in full for b in full])
        for row in inter.reshape(rows, len(full) * len(full)):
            w.writerow([fmt(v) for v in row])


def write(name, booster, names, x, dmatrix, outputs):
    path = os.path.join(HERE, name + ".json")
    booster.save_model(path)
    with open(os.path.join(HERE, name + "_data.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for row in x:
            w.writerow([fmt(v) for v in row])
    contribs = np.asarray(booster.predict(dmatrix, pred_contribs=True), dtype=np.float64)
    contribs = contribs.reshape(x.shape[0], outputs * (len(names) + 1))
    # The check the test repeats in finai: contributions + bias = margin.
    margin = np.asarray(booster.predict(dmatrix, output_margin=True), dtype=np.float64).reshape(x.shape[0], outputs)
    sums = contribs.reshape(x.shape[0], outputs, len(names) + 1).sum(axis=2)
    assert np.max(np.abs(sums - margin)) < 1e-4, np.max(np.abs(sums - margin))
    suffix = (lambda k: "") if outputs == 1 else (lambda k: "_%d" % k)
    header = [n + suffix(k) for k in range(outputs) for n in names + ["bias"]]
    with open(os.path.join(HERE, name + "_shap.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in contribs:
            w.writerow([fmt(v) for v in row])
    total = sum(os.path.getsize(os.path.join(HERE, name + s)) for s in (".json", "_data.csv", "_shap.csv"))
    print(name, "bytes", total)


def binary():
    # Credit-like numeric data, missing values in two features (default directions), depth 5.
    rows = 150
    rng = np.random.default_rng(2024)
    x = np.column_stack([rng.normal(40, 12, rows), rng.lognormal(10, 0.6, rows), rng.uniform(0, 1, rows),
                         rng.integers(0, 30, rows).astype(np.float64), rng.normal(0, 1, rows)])
    x[rng.random(rows) < 0.15, 1] = np.nan
    x[rng.random(rows) < 0.10, 3] = np.nan
    f = (0.04 * (x[:, 0] - 40) + np.where(np.isnan(x[:, 1]), 0.8, np.where(x[:, 1] > 25000, -0.7, 0.3))
         + 2.5 * x[:, 2] * (x[:, 4] > 0) - 1.2)
    y = (rng.random(rows) < 1 / (1 + np.exp(-f))).astype(np.float64)
    names = ["age", "income", "utilization", "tenure", "noise"]
    params = {"objective": "binary:logistic", "max_depth": 5, "eta": 0.3, "base_score": 0.35, "seed": 7,
              "nthread": 1, "tree_method": "hist"}
    b = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=12)
    write("xgb_shap_binary", b, names, x[:80], xgb.DMatrix(x[:80], feature_names=names), 1)
    write_interactions("xgb_shap_binary", b, names, xgb.DMatrix(x[:80], feature_names=names), 80)


def categorical():
    # One numeric and one categorical feature (6 levels: partition splits), a few missing categories.
    rows = 200
    rng = np.random.default_rng(77)
    num = rng.normal(0, 1, rows)
    seg = rng.integers(0, 6, rows)
    f = num + np.array([0.0, 1.0, -1.0, 0.5, 2.0, -2.0])[seg]
    y = (rng.random(rows) < 1 / (1 + np.exp(-f))).astype(np.float64)
    codes = seg.astype(np.float64)
    codes[rng.random(rows) < 0.05] = np.nan
    frame = pd.DataFrame({"num": num, "segment": pd.Categorical.from_codes(
        np.where(np.isnan(codes), -1, codes).astype(int), categories=[f"s{i}" for i in range(6)])})
    params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 3, "nthread": 1,
              "tree_method": "hist", "max_cat_to_onehot": 1}
    b = xgb.train(params, xgb.DMatrix(frame, label=y, enable_categorical=True), num_boost_round=8)
    x = np.column_stack([num, codes])[:60]
    names = ["num", "segment"]
    dx = xgb.DMatrix(x, feature_names=names, feature_types=["q", "c"], enable_categorical=True)
    write("xgb_shap_categorical", b, names, x, dx, 1)


def multiclass():
    rows = 150
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, (rows, 3))
    x[rng.random(rows) < 0.1, 0] = np.nan
    z = np.nan_to_num(x[:, 0]) + x[:, 1] * x[:, 2]
    y = np.digitize(z + 0.5 * rng.normal(0, 1, rows), [-0.5, 0.5]).astype(np.float64)
    names = ["a", "b", "c"]
    params = {"objective": "multi:softprob", "num_class": 3, "max_depth": 3, "eta": 0.3, "seed": 1, "nthread": 1,
              "tree_method": "hist"}
    b = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=5)
    write("xgb_shap_multiclass", b, names, x[:50], xgb.DMatrix(x[:50], feature_names=names), 3)


if __name__ == "__main__":
    binary()
    categorical()
    multiclass()
