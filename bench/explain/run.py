#!/usr/bin/python3
"""TreeSHAP contributions, finai vs XGBoost 1.7 pred_contribs, on the same XGBoost models and rows.

For each (trees, depth) configuration: train a seeded XGBoost binary model (hist, learning rate 0.1) on a seeded
synthetic --rows x 28 set (5% missing values, interactions), save it as JSON, then
  - time booster.predict(pred_contribs=True) with nthread=--threads (best of --reps),
  - time finai's TreeShapExplainer with --threads threads on the same JSON model and rows (build/<dir>/bin/
    explain_shap_bench, best of --reps), with its single-row latency (contributions + 4 reason codes, on one
    thread and with the trees split over --threads threads),
  - check max |finai - XGBoost| over every contribution and the bias (< 1e-5 expected),
  - the same for SHAP interaction values on the first --interaction-rows rows (XGBoost's pred_interactions runs
    TreeSHAP twice per feature, so it is timed on fewer rows; 0 skips it),
and print the ratios. Ends with one JSON line holding every figure.

Usage: bench/explain/run.py [--rows 10000] [--configs 100x6,100x8,500x6,500x8] [--threads 2] [--reps 3]
                            [--interaction-rows 200] [--bench build/dev/bin/explain_shap_bench]
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "bench/out/explain")
FEATURES = 28


def synthetic(rows, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, FEATURES))
    coef = rng.normal(size=FEATURES)
    f = x @ coef * 0.5 + np.where(x[:, 0] > 0, x[:, 1], -x[:, 2]) + x[:, 3] * x[:, 4]
    y = (rng.uniform(size=rows) < 1 / (1 + np.exp(-f))).astype(np.float64)
    x[rng.uniform(size=x.shape) < 0.05] = np.nan
    return x, y


def write_csv(path, x):
    with open(path, "w") as out:
        out.write(",".join("f%d" % j for j in range(FEATURES)) + "\n")
        for row in x:
            out.write(",".join("" if np.isnan(v) else "%.17g" % v for v in row) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--configs", default="100x6,100x8,500x6,500x8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--interaction-rows", type=int, default=200)
    ap.add_argument("--bench", default=os.path.join(ROOT, "build/dev/bin/explain_shap_bench"))
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    x, y = synthetic(args.rows)
    names = ["f%d" % j for j in range(FEATURES)]
    data_csv = os.path.join(OUT, "data_%d.csv" % args.rows)
    write_csv(data_csv, x)
    results = []
    for config in args.configs.split(","):
        trees, depth = (int(v) for v in config.split("x"))
        train = xgb.DMatrix(x, label=y, feature_names=names)
        booster = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": depth, "eta": 0.1,
                             "seed": 0, "nthread": args.threads}, train, num_boost_round=trees)
        model_json = os.path.join(OUT, "model_%dx%d.json" % (trees, depth))
        booster.save_model(model_json)
        booster.set_param({"nthread": args.threads})
        test = xgb.DMatrix(x, feature_names=names)
        best = float("inf")
        for _ in range(args.reps):
            start = time.perf_counter()
            contribs = booster.predict(test, pred_contribs=True)
            best = min(best, time.perf_counter() - start)
        out_bin = os.path.join(OUT, "finai_%dx%d.bin" % (trees, depth))
        run = subprocess.run([args.bench, model_json, data_csv, str(args.threads), out_bin, str(args.reps), "500",
                              str(args.interaction_rows)], check=True, capture_output=True, text=True)
        finai = json.loads(run.stdout.strip().splitlines()[-1])
        values = np.fromfile(out_bin, dtype=np.float64).reshape(args.rows, FEATURES + 1)
        diff = float(np.max(np.abs(values - contribs.astype(np.float64))))
        row = {"trees": trees, "depth": depth, "rows": args.rows, "threads": args.threads,
               "xgboost_pred_contribs_s": best, "finai_s": finai["batch_seconds"],
               "speedup": best / finai["batch_seconds"], "max_abs_diff": diff,
               "finai_precompute_s": finai["precompute_seconds"],
               "finai_single_row_with_reasons_us_p50": finai["single_row_with_reasons_us_p50"],
               "finai_single_row_with_reasons_us_p99": finai["single_row_with_reasons_us_p99"],
               "finai_single_row_threads_with_reasons_us_p50": finai["single_row_threads_with_reasons_us_p50"],
               "finai_single_row_threads_with_reasons_us_p99": finai["single_row_threads_with_reasons_us_p99"]}
        inter_line = None
        if args.interaction_rows > 0:
            head = xgb.DMatrix(x[:args.interaction_rows], feature_names=names)
            best_i = float("inf")
            for _ in range(args.reps):
                start = time.perf_counter()
                inter = booster.predict(head, pred_interactions=True)
                best_i = min(best_i, time.perf_counter() - start)
            mine = np.fromfile(out_bin + ".interactions", dtype=np.float64).reshape(inter.shape)
            row.update({"interaction_rows": args.interaction_rows, "xgboost_pred_interactions_s": best_i,
                        "finai_interactions_s": finai["interaction_seconds"],
                        "interaction_speedup": best_i / finai["interaction_seconds"],
                        "interaction_max_abs_diff": float(np.max(np.abs(mine - inter.astype(np.float64))))})
            inter_line = ("    interactions, %d rows: XGBoost pred_interactions %.3f s, finai %.4f s (x%.0f), max |diff| %.2e"
                  % (args.interaction_rows, best_i, finai["interaction_seconds"], row["interaction_speedup"],
                     row["interaction_max_abs_diff"]))
        results.append(row)
        print("%3d trees depth %d, %d rows, %d threads: XGBoost pred_contribs %.3f s, finai %.3f s (x%.1f), "
              "max |diff| %.2e; finai one row + reasons p50 %.1f us p99 %.1f us (1 thread), p50 %.1f us p99 %.1f us "
              "(%d threads)"
              % (trees, depth, args.rows, args.threads, best, finai["batch_seconds"], row["speedup"], diff,
                 row["finai_single_row_with_reasons_us_p50"], row["finai_single_row_with_reasons_us_p99"],
                 row["finai_single_row_threads_with_reasons_us_p50"],
                 row["finai_single_row_threads_with_reasons_us_p99"], args.threads),
              flush=True)
        if inter_line:
            print(inter_line, flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
