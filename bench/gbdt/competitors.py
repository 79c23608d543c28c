#!/usr/bin/python3
"""The competitors of the tree benchmark, one per process (so that peak RSS is theirs alone).

Usage: competitors.py xgboost|sklearn TRAIN.csv TEST.csv TARGET ROUNDS DEPTH THREADS [--categorical c1,c2]
Prints JSON: load/train/predict seconds, test AUC, batch-predict rows/s, single-row latency (xgboost).
Parameters mirror finai's defaults: learning rate 0.1, 255 bins, L2 1, min child weight 1, depth-wise growth.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def load(path, target, categorical):
    df = pd.read_csv(path)
    y = df.pop(target)
    if y.dtype == object:
        y = (y == "bad").astype(int)
    for c in categorical:
        df[c] = df[c].astype("category")
    return df, y.to_numpy()


def main():
    lib, train_path, test_path, target = sys.argv[1:5]
    rounds, depth, threads = (int(v) for v in sys.argv[5:8])
    categorical = sys.argv[sys.argv.index("--categorical") + 1].split(",") if "--categorical" in sys.argv else []
    t0 = time.perf_counter()
    x_train, y_train = load(train_path, target, categorical)
    x_test, y_test = load(test_path, target, categorical)
    if categorical:  # the test set must share the training categories
        for c in categorical:
            x_test[c] = pd.Categorical(x_test[c], categories=x_train[c].cat.categories)
    load_s = time.perf_counter() - t0
    out = {"library": lib, "load_seconds": load_s}
    if lib == "xgboost":
        import xgboost as xgb
        out["version"] = xgb.__version__
        params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": depth, "eta": 0.1,
                  "max_bin": 255, "lambda": 1.0, "min_child_weight": 1.0, "nthread": threads, "base_score": 0.5}
        t0 = time.perf_counter()
        dtrain = xgb.DMatrix(x_train, label=y_train, enable_categorical=bool(categorical), nthread=threads)
        booster = xgb.train(params, dtrain, num_boost_round=rounds)
        out["train_seconds"] = time.perf_counter() - t0
        # A fresh DMatrix per prediction: XGBoost caches predictions per DMatrix (BENCHMARKING.md).
        t0 = time.perf_counter()
        p = booster.predict(xgb.DMatrix(x_test, enable_categorical=bool(categorical), nthread=threads))
        out["predict_seconds"] = time.perf_counter() - t0
        if not categorical:
            row = x_test.iloc[[0]].to_numpy(dtype=np.float32)
            booster.set_param({"nthread": 1})
            times = []
            for _ in range(2000):
                t0 = time.perf_counter()
                booster.inplace_predict(row)
                times.append(time.perf_counter() - t0)
            out["single_row_us_p50"] = float(np.median(times) * 1e6)
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier
        import sklearn
        out["version"] = sklearn.__version__
        model = HistGradientBoostingClassifier(
            max_iter=rounds, max_depth=depth, max_leaf_nodes=None, learning_rate=0.1, max_bins=255,
            l2_regularization=1.0, min_samples_leaf=1, early_stopping=False,
            categorical_features=[c in categorical for c in x_train.columns] if categorical else None)
        xt = x_train.copy()
        xs = x_test.copy()
        for c in categorical:  # sklearn 1.2 wants category codes
            xt[c] = xt[c].cat.codes.replace(-1, np.nan)
            xs[c] = xs[c].cat.codes.replace(-1, np.nan)
        t0 = time.perf_counter()
        model.fit(xt, y_train)
        out["train_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        p = model.predict_proba(xs)[:, 1]
        out["predict_seconds"] = time.perf_counter() - t0
    out["auc"] = float(roc_auc_score(y_test, p))
    out["predict_rows_per_second"] = len(y_test) / out["predict_seconds"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
