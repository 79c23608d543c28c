#!/usr/bin/python3
"""The competitors of the tree benchmark, one per process (so that peak RSS is theirs alone).

Usage: competitors.py xgboost|sklearn TRAIN.csv TEST.csv TARGET ROUNDS DEPTH THREADS [--categorical c1,c2]
       competitors.py xgboost-latency TRAIN.csv TEST.csv TARGET ROUNDS DEPTH [THREADS]
Prints JSON: load/train seconds, test AUC, batch-predict seconds (best of 5) and rows/s, single-row latency
(xgboost, numeric data).
xgboost-latency trains ROUNDS trees (THREADS, default 2) and times only single rows: inplace_predict, one
thread, 2000 distinct test rows in turn, as bench/gbdt/predict_bench does for finai; p50/p99 in us.
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


def best_of(reps, fn):
    """Fastest of `reps` calls, in seconds: predict_bench reports finai's best of 5 too."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


XGB_PARAMS = {"objective": "binary:logistic", "tree_method": "hist", "eta": 0.1, "max_bin": 255, "lambda": 1.0,
              "min_child_weight": 1.0, "base_score": 0.5}


def single_row_latency(booster, x_test, calls=2000):
    """p50/p99 (us) of booster.inplace_predict on one row, one thread. Distinct rows in turn, sliced before
    the clock starts (as predict_bench does): one row over and over would sit in the cache unrealistically."""
    booster.set_param({"nthread": 1})
    data = np.ascontiguousarray(x_test.to_numpy(dtype=np.float32))
    rows = [data[i % len(data):i % len(data) + 1] for i in range(calls)]
    for row in rows[:50]:  # warm-up: the first calls set up XGBoost's predictor
        booster.inplace_predict(row)
    times = []
    for row in rows:
        t0 = time.perf_counter()
        booster.inplace_predict(row)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"single_row_us_p50": times[len(times) // 2] * 1e6, "single_row_us_p99": times[len(times) * 99 // 100] * 1e6}


def xgboost_latency(train_path, test_path, target, rounds, depth, threads):
    import xgboost as xgb
    x_train, y_train = load(train_path, target, [])
    x_test, _ = load(test_path, target, [])
    t0 = time.perf_counter()
    booster = xgb.train(dict(XGB_PARAMS, max_depth=depth, nthread=threads),
                        xgb.DMatrix(x_train, label=y_train, nthread=threads), num_boost_round=rounds)
    out = {"library": "xgboost", "version": xgb.__version__, "train_seconds": time.perf_counter() - t0,
           "trees": booster.num_boosted_rounds()}
    out.update(single_row_latency(booster, x_test))
    print(json.dumps(out))


def main():
    lib, train_path, test_path, target = sys.argv[1:5]
    if lib == "xgboost-latency":
        threads = int(sys.argv[7]) if len(sys.argv) > 7 else 2
        return xgboost_latency(train_path, test_path, target, int(sys.argv[5]), int(sys.argv[6]), threads)
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
        params = dict(XGB_PARAMS, max_depth=depth, nthread=threads)
        t0 = time.perf_counter()
        dtrain = xgb.DMatrix(x_train, label=y_train, enable_categorical=bool(categorical), nthread=threads)
        booster = xgb.train(params, dtrain, num_boost_round=rounds)
        out["train_seconds"] = time.perf_counter() - t0
        # A fresh DMatrix per prediction: XGBoost caches predictions per DMatrix (BENCHMARKING.md).
        p = booster.predict(xgb.DMatrix(x_test, enable_categorical=bool(categorical), nthread=threads))
        if categorical:
            out["predict_seconds"] = best_of(5, lambda: booster.predict(
                xgb.DMatrix(x_test, enable_categorical=True, nthread=threads)))
        else:  # XGBoost's fastest batch path, no DMatrix: like predict_bench's prebuilt matrix, best of 5
            dense = np.ascontiguousarray(x_test.to_numpy(dtype=np.float32))
            out["predict_seconds"] = best_of(5, lambda: booster.inplace_predict(dense))
        if not categorical:
            out.update(single_row_latency(booster, x_test))
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
        p = model.predict_proba(xs)[:, 1]
        out["predict_seconds"] = best_of(5, lambda: model.predict_proba(xs))
    out["auc"] = float(roc_auc_score(y_test, p))
    out["predict_rows_per_second"] = len(y_test) / out["predict_seconds"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
