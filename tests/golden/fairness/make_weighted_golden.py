#!/usr/bin/python3
"""Golden values for the weighted audit (tests/unit/fairness/audit_weighted_test.cpp), computed with sklearn's
sample_weight arguments, numpy and scipy, independently of finai.

Data: audit_case.csv by `group`, threshold 0.5 (event predicted when score >= 0.5), sample weights
w_i = 1 + 0.5 * (i % 3) for row i (0-based). Definitions (docs/fairness.md, "Sample weights"):
  rates are weighted (sklearn recall/precision/roc_auc/log_loss/brier with sample_weight, np.average);
  the z-test of a group's selection rate against the reference (the group with most rows, A) uses Kish's
  effective sizes n_eff = (sum w)^2 / sum w^2 in place of the counts; the chi-square test is Pearson's on the
  table of each group's n_eff split by its weighted selection rate (scipy chi2_contingency, no correction).
Run: /usr/bin/python3 tests/golden/fairness/make_weighted_golden.py   (also writes audit_case_weighted.csv)
"""
import os

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency, norm
from sklearn.metrics import brier_score_loss, log_loss, precision_score, recall_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
df = pd.read_csv(os.path.join(HERE, "audit_case.csv"))
df["w"] = 1 + 0.5 * (np.arange(len(df)) % 3)
df["d"] = (df["score"] >= 0.5).astype(int)


def neff(w):
    return w.sum() ** 2 / (w ** 2).sum()


stats = {}
for g, part in df.groupby("group"):
    y, d, s, w = part["label"], part["d"], part["score"], part["w"]
    stats[g] = dict(
        selection=np.average(d, weights=w),
        tpr=recall_score(y, d, sample_weight=w),
        fpr=1 - recall_score(1 - y, 1 - d, sample_weight=w),
        ppv=precision_score(y, d, sample_weight=w),
        auc=roc_auc_score(y, s, sample_weight=w),
        log_loss=log_loss(y, s, sample_weight=w),
        brier=brier_score_loss(y, s, sample_weight=w),
        mean=np.average(s, weights=w),
        neff=neff(w),
    )
    print(g, " ".join(f"{k} {v:.12g}" for k, v in stats[g].items()))

ref = stats["A"]
for g in ["B", "C"]:
    n1, n2 = stats[g]["neff"], ref["neff"]
    p = (stats[g]["selection"] * n1 + ref["selection"] * n2) / (n1 + n2)
    z = (stats[g]["selection"] - ref["selection"]) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    print(f"z {g} vs A: {z:.12g} p {2 * norm.sf(abs(z)):.12g}")
table = [[st["selection"] * st["neff"], (1 - st["selection"]) * st["neff"]] for st in stats.values()]
chi, pval, dof, _ = chi2_contingency(np.array(table), correction=False)
print(f"chi-square {chi:.12g} df {dof} p {pval:.12g}")
overall = np.average(df["d"], weights=df["w"])
print(f"overall selection {overall:.12g}")

# The end-to-end test (tests/golden/fairness.test) reads the same rows with the weights as a column.
df.drop(columns=["d"]).to_csv(os.path.join(HERE, "audit_case_weighted.csv"), index=False)
