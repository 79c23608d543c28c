#!/usr/bin/python3
"""Writes metrics_golden.json: reference values from scikit-learn for tests/unit/metrics/.

Regenerate (from the repository root) with Debian's Python, which has python3-sklearn and python3-scipy:

    /usr/bin/python3 tests/golden/metrics/make_golden.py

The data come from a fixed seed, so the file only changes when numpy's generator, scipy or scikit-learn
change; the versions used are recorded in the file. Every expected value is computed by sklearn, scipy or
numpy, never by finai. Two conventions are normalised here and documented in docs/metrics.md:
  * roc_curve's first threshold is written as null: sklearn < 1.3 writes max(score) + 1 there, later
    versions +inf; finai returns +inf, and JSON has no infinity.
  * log_loss is called with eps=1e-15 explicitly (sklearn 1.2 defaults to "auto" = machine epsilon).
"""

import json
import os
import sys
import warnings

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, confusion_matrix,
                             f1_score, log_loss, mean_absolute_error, mean_squared_error, precision_recall_curve,
                             precision_score, r2_score, recall_score, roc_auc_score, roc_curve)
from sklearn.metrics._ranking import _binary_clf_curve  # private, but it is what roc_curve is built on

SEED = 20240611
THRESHOLDS = [0.5, 1.01]  # 1.01 is above every probability: no predicted event, zero_division applies
N_BINS = 10


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=float)]


def calibration_golden(y, p, strategy):
    prob_true, prob_pred = calibration_curve(y, p, n_bins=N_BINS, strategy=strategy)
    # The edges and per-bin counts, computed exactly as calibration_curve does internally (sklearn 1.2).
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, N_BINS + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, N_BINS + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=N_BINS)
    assert len(counts) == N_BINS
    return {"prob_true": floats(prob_true), "prob_pred": floats(prob_pred), "edges": floats(edges),
            "counts": [int(c) for c in counts]}


def regression_golden(y, p, w):
    mse = mean_squared_error(y, p, sample_weight=w)
    return {"mse": float(mse), "rmse": float(np.sqrt(mse)), "mae": float(mean_absolute_error(y, p, sample_weight=w)),
            "r2": float(r2_score(y, p, sample_weight=w))}


def binary_case(name, note, y, s, w=None):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    case = {"name": name, "note": note, "labels": [int(v) for v in y], "scores": floats(s),
            "weights": [] if w is None else floats(w)}
    out = {}
    out["roc_auc"] = float(roc_auc_score(y, s, sample_weight=w))
    out["log_loss"] = float(log_loss(y, s, sample_weight=w, eps=1e-15))
    out["brier"] = float(brier_score_loss(y, s, sample_weight=w))
    out["average_precision"] = float(average_precision_score(y, s, sample_weight=w))

    fpr, tpr, thr = roc_curve(y, s, sample_weight=w, drop_intermediate=False)
    thresholds = floats(thr)
    thresholds[0] = None
    out["roc_curve"] = {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": thresholds}
    precision, recall, pr_thr = precision_recall_curve(y, s, sample_weight=w)
    out["pr_curve"] = {"precision": floats(precision), "recall": floats(recall), "thresholds": floats(pr_thr)}

    # KS: the first (highest) threshold reaching max |TPR - FPR|. Thresholds are compared on
    # |tps * N - fps * P|, exact for integer counts, so that equal separations (2/3 - 0 against 1 - 1/3)
    # tie as they should instead of being split by rounding; tps and fps as roc_curve computes them.
    fps, tps, curve_thr = _binary_clf_curve(y, s, sample_weight=w)
    key = np.abs(tps * fps[-1] - fps * tps[-1])
    best = int(np.argmax(key))
    out["ks"] = float(abs(tps[best] / tps[-1] - fps[best] / fps[-1]))
    out["ks_threshold"] = float(curve_thr[best])
    assert abs(out["ks"] - np.max(np.abs(tpr - fpr))) <= 1e-12 * out["ks"]
    if w is None:
        # scipy's two-sample KS statistic on the two score distributions is the same number.
        ks_scipy = scipy.stats.ks_2samp(s[y == 1], s[y == 0]).statistic
        assert abs(ks_scipy - out["ks"]) <= 1e-12 * out["ks"], (ks_scipy, out["ks"])
        out["ks"] = float(ks_scipy)

    out["thresholded"] = []
    for t in THRESHOLDS:
        pred = (s >= t).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred, sample_weight=w, labels=[0, 1]).ravel()
        out["thresholded"].append({
            "threshold": t, "tp": float(tp), "fp": float(fp), "tn": float(tn), "fn": float(fn),
            "precision": float(precision_score(y, pred, sample_weight=w, zero_division=0)),
            "recall": float(recall_score(y, pred, sample_weight=w, zero_division=0)),
            "f1": float(f1_score(y, pred, sample_weight=w, zero_division=0)),
            "accuracy": float(accuracy_score(y, pred, sample_weight=w)),
            "specificity": float(tn / (tn + fp)) if tn + fp > 0 else 0.0,
        })

    # calibration_curve takes no weights: it is compared with finai's table computed without weights.
    out["calibration"] = {s_: calibration_golden(y, s, s_) for s_ in ("uniform", "quantile")}
    if w is not None and np.all(w == np.round(w)):
        # Integer weights: weight k is k copies of the row, so sklearn on the repeated rows is the weighted
        # reference. Uniform only: quantile edges are defined on unweighted rows (docs/metrics.md).
        reps = w.astype(int)
        out["calibration_weighted_uniform"] = calibration_golden(np.repeat(y, reps), np.repeat(s, reps), "uniform")

    out["regression"] = regression_golden(y, s, w)
    case["expected"] = out
    return case


def regression_case(name, note, y, p, w=None):
    return {"name": name, "note": note, "y_true": floats(y), "y_pred": floats(p),
            "weights": [] if w is None else floats(w), "expected": regression_golden(y, p, w)}


def main():
    rng = np.random.default_rng(SEED)
    binary = []

    # Hand-sized, with a three-way tie at 0.4 holding both classes.
    binary.append(binary_case("tiny", "8 rows, ties across classes",
                              [0, 0, 1, 1, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2]))

    s = np.round(rng.uniform(0, 1, 400), 1)
    y = (rng.uniform(0, 1, 400) < 0.15 + 0.7 * s).astype(int)
    binary.append(binary_case("ties", "400 rows, scores rounded to 1 decimal (11 distinct values)", y, s))

    s = np.round(rng.beta(2, 3, 400), 1)
    y = (rng.uniform(0, 1, 400) < s).astype(int)
    w = np.round(rng.uniform(0.1, 5.0, 400), 3)
    w[rng.uniform(0, 1, 400) < 0.05] = 0.0  # zero weights must not create thresholds
    binary.append(binary_case("ties_weighted", "400 rows, 1-decimal scores, real weights, some zero", y, s, w))

    s = np.round(rng.beta(2, 5, 300), 6)
    y = (rng.uniform(0, 1, 300) < s).astype(int)
    w = rng.integers(1, 5, 300).astype(float)
    binary.append(binary_case("integer_weighted", "300 rows, near-continuous scores, weights 1..4", y, s, w))

    n = 2000
    y = (rng.uniform(0, 1, n) < 0.01).astype(int)
    s = np.round(1 / (1 + np.exp(-(rng.normal(-4.5, 1.0, n) + 2.0 * y))), 3)
    binary.append(binary_case("imbalanced", "2000 rows, about 1% events, 3-decimal scores", y, s))

    n = 1000
    y = (rng.uniform(0, 1, n) < 0.1).astype(int)
    s = np.round(1 / (1 + np.exp(-(rng.normal(-1.0, 1.0, n) + 1.5 * y))), 2)
    w = np.where(y == 1, 1.0, 9.0)  # non-events down-sampled 1 in 9, weighted back up
    binary.append(binary_case("downsampled", "1000 rows, 10% events, non-events weighted 9", y, s, w))

    regression = []
    y = rng.normal(5000, 1000, 200)
    p = y + rng.normal(0, 300, 200)
    regression.append(regression_case("amounts", "200 rows, targets around 5000", y, p))
    w = rng.uniform(0.5, 2.0, 200)
    regression.append(regression_case("amounts_weighted", "the same rows with real weights", y, p, w))
    regression.append(regression_case("constant_target", "SS_tot = 0, imperfect prediction: r2 = 0",
                                      [3.0, 3.0, 3.0], [3.0, 3.0, 3.5]))

    golden = {
        "generator": "tests/golden/metrics/make_golden.py",
        "seed": SEED,
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                     "python": sys.version.split()[0]},
        "n_bins": N_BINS,
        "binary_cases": binary,
        "regression_cases": regression,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero_division and version notices; the values are what matter
        main()
