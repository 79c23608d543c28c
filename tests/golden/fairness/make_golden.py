#!/usr/bin/python3
"""Golden values for tests/unit/fairness from an independent computation with numpy, scipy, sklearn and statsmodels.

fairlearn and AIF360 are not installed; their published definitions are computed directly here:
  selection rate P(D=1), TPR, FPR, PPV, NPV per group (fairlearn.metrics.MetricFrame by group);
  demographic_parity_difference / ratio: max - min / min / max of selection rates (method='between_groups'),
  to_overall: max |g - overall| and min over g of min(g / o, o / g);
  equalized_odds_difference: max(TPR difference, FPR difference);
  AIF360 average_odds_difference: ((FPR_g - FPR_ref) + (TPR_g - TPR_ref)) / 2; disparate impact on favourable rate;
  Kamiran-Calders reweighing: P(g) P(y) / P(g, y).

Run: /usr/bin/python3 tests/golden/fairness/make_golden.py [--write]   (--write regenerates audit_case.csv)
"""
import itertools
import os
import sys

import numpy as np
from scipy.stats import chi2_contingency
from sklearn.metrics import log_loss, mutual_info_score, roc_auc_score
from statsmodels.stats.proportion import proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "audit_case.csv")


def make_data():
    rng = np.random.RandomState(20261123)
    sizes = {"A": 110, "B": 80, "C": 50}
    rows = []
    for g, n in sizes.items():
        shift = {"A": 0.0, "B": 0.4, "C": -0.3}[g]
        for _ in range(n):
            sex = "f" if rng.rand() < 0.45 else "m"
            age = int(rng.randint(19, 75))
            z = rng.randn() + shift
            y = int(rng.rand() < 1 / (1 + np.exp(-(z - 0.8))))
            score = round(float(1 / (1 + np.exp(-(0.9 * z + 0.6 * rng.randn() - 0.7)))), 2)  # rounded: ties
            x1 = round(float(shift * 2 + rng.randn()), 3)  # a proxy of the group
            x2 = rng.choice(["u", "v", "w"], p=[0.5, 0.3, 0.2] if g == "A" else [0.2, 0.3, 0.5])
            rows.append((g, sex, age, y, score, x1, x2))
    return rows


def write_csv(rows):
    with open(CSV, "w") as f:
        f.write("group,sex,age,label,score,x1,x2\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},{r[5]},{r[6]}\n")


def read_csv():
    import pandas as pd
    return pd.read_csv(CSV)


def rates(y, s, t):
    d = (s >= t).astype(float)
    pos, neg = y == 1, y == 0
    return {
        "n": len(y), "selection_rate": d.mean(), "tpr": d[pos].mean(), "fpr": d[neg].mean(),
        "ppv": y[d == 1].mean(), "npv": 1 - y[d == 0].mean(), "accuracy": (d == y).mean(),
        "auc": roc_auc_score(y, s), "log_loss": log_loss(y, s, labels=[0, 1]), "brier": np.mean((y - s) ** 2),
        "mean": s.mean(), "sd": s.std(ddof=1), "pred": d.sum(),
    }


def main():
    if "--write" in sys.argv:
        write_csv(make_data())
    df = read_csv()
    y, s, grp = df["label"].to_numpy(float), df["score"].to_numpy(float), df["group"].to_numpy()
    t = 0.5
    names = ["A", "B", "C"]
    r = {g: rates(y[grp == g], s[grp == g], t) for g in names}
    o = rates(y, s, t)
    print("# threshold 0.5, favourable = non-event, reference = A (largest), min_group_size 0")
    for g in names:
        print(g, {k: round(float(v), 12) for k, v in r[g].items()})
    print("overall", {k: round(float(v), 12) for k, v in o.items()})

    def between(key):
        v = [r[g][key] for g in names]
        return max(v) - min(v), min(v) / max(v)

    def to_overall(key):
        v = [r[g][key] for g in names]
        return max(abs(x - o[key]) for x in v), min(min(x / o[key], o[key] / x) for x in v)

    for key in ["selection_rate", "tpr", "fpr", "ppv", "accuracy", "auc"]:
        print(f"{key}: between diff/ratio {between(key)}  to_overall {to_overall(key)}")
    fav = {g: 1 - r[g]["selection_rate"] for g in names}
    print("favourable between:", max(fav.values()) - min(fav.values()), min(fav.values()) / max(fav.values()))
    print("equalized_odds_difference", max(between("tpr")[0], between("fpr")[0]))
    for g in names:
        aod = 0.5 * ((r[g]["fpr"] - r["A"]["fpr"]) + (r[g]["tpr"] - r["A"]["tpr"]))
        di = fav[g] / fav["A"]
        smd = (r[g]["mean"] - r["A"]["mean"]) / np.sqrt((r[g]["sd"] ** 2 + r["A"]["sd"] ** 2) / 2)
        impact = fav[g] / max(fav.values())
        print(f"{g}: AOD {aod!r} DI {di!r} SPD {fav[g] - fav['A']!r} EOD {r[g]['tpr'] - r['A']['tpr']!r} "
              f"SMD {smd!r} impact_to_best {impact!r}")
        if g != "A":
            z, p = proportions_ztest([r[g]["pred"], r["A"]["pred"]], [r[g]["n"], r["A"]["n"]])
            print(f"  z-test vs A: z {z!r} p {p!r}")
    table = [[r[g]["pred"], r[g]["n"] - r[g]["pred"]] for g in names]
    chi2, p, dof, _ = chi2_contingency(table, correction=False)
    print(f"chi-square {chi2!r} df {dof} p {p!r}")

    # Reweighing weights per (group, label).
    n = len(y)
    for g in names:
        for lab in [0, 1]:
            pg, py, pgy = (grp == g).mean(), (y == lab).mean(), ((grp == g) & (y == lab)).mean()
            print(f"reweighing w({g},{lab}) = {pg * py / pgy!r}")

    # Proxy: mutual information (nats) of x2 (categorical) and of x1 in 4 bins at the lower quantiles used by finai,
    # and the one-vs-rest AUC folded to max(auc, 1 - auc).
    print("MI x2", mutual_info_score(grp, df["x2"]))
    x1 = df["x1"].to_numpy(float)
    v = np.sort(x1)
    cuts = []
    for b in range(1, 4):
        c = v[int(b * (len(v) - 1) / 4)]
        if not cuts or c > cuts[-1]:
            cuts.append(c)
    bins = np.searchsorted(np.array(cuts), x1, side="left")
    print("MI x1 (4 bins)", mutual_info_score(grp, bins))
    h = -sum(p * np.log(p) for p in [(grp == g).mean() for g in names])
    print("H(group)", h)
    aucs = {g: roc_auc_score(grp == g, x1) for g in names}
    print("x1 one-vs-rest AUC folded", {g: max(a, 1 - a) for g, a in aucs.items()})

    # Group thresholds at least cost, by brute force over every combination of thresholds (distinct scores + inf).
    def best(constraint, tol):
        cands = {}
        for g in names:
            yy, ss = y[grp == g], s[grp == g]
            ts = [np.inf] + sorted(set(ss), reverse=True)
            cands[g] = []
            for th in ts:
                d = ss >= th
                m = d.mean() if constraint == "dp" else d[yy == 1].mean()
                m2 = d[yy == 0].mean()
                errors = np.sum(d != (yy == 1))
                cands[g].append((th, m, m2, errors))
        bestv, choice = None, None
        for combo in itertools.product(*(cands[g] for g in names)):
            m = [c[1] for c in combo]
            if max(m) - min(m) > tol + 1e-12:
                continue
            if constraint == "eo":
                m2 = [c[2] for c in combo]
                if max(m2) - min(m2) > tol + 1e-12:
                    continue
            e = sum(c[3] for c in combo)
            if bestv is None or e < bestv:
                bestv, choice = e, combo
        return bestv, [c[0] for c in choice]

    for constraint, tol in [("dp", 0.05), ("dp", 0.0), ("tpr", 0.05), ("eo", 0.1)]:
        print(f"group thresholds {constraint} tol {tol}: errors, thresholds = {best(constraint, tol)}")


if __name__ == "__main__":
    main()
