#!/usr/bin/python3
"""Reference values for tests/unit/validation, written to validation_golden.json beside this script.

Every figure comes from an implementation independent of finai's:
  - DeLong: the O(m n) placement values of DeLong, DeLong & Clarke-Pearson (1988), written out directly here
    (finai uses the O(n log n) midrank algorithm of Sun & Xu 2014); normal quantiles from scipy.
  - Hosmer-Lemeshow: numpy quantiles (type 7) + pandas.cut(right=True, include_lowest=True) as R's
    ResourceSelection::hoslem.test; chi-square tail from scipy.
  - binomial test: scipy.stats.binomtest(alternative="greater"); Jeffreys: scipy.stats.beta.cdf.
  - PSI: numpy quantiles of the reference + numpy.searchsorted; HHI: numpy; migration: pandas.crosstab.
  - Platt: statsmodels Logit (unpenalised ML); isotonic: sklearn IsotonicRegression(out_of_bounds="clip");
    intercept shift: scipy.optimize.brentq.
Synthetic inputs are drawn here with a fixed seed and stored in the JSON next to the expected values.
Run: /usr/bin/python3 tests/golden/validation/make_golden.py
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from sklearn.isotonic import IsotonicRegression

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def delong_components(y, s):
    x = s[y == 1]
    z = s[y == 0]
    psi = (x[:, None] > z[None, :]).astype(float) + 0.5 * (x[:, None] == z[None, :])
    return psi.mean(axis=1), psi.mean(axis=0), psi.mean()


def delong(y, scores_list, conf=0.95):
    comps = [delong_components(y, s) for s in scores_list]
    m, n = int((y == 1).sum()), int((y == 0).sum())
    v10 = np.array([c[0] for c in comps])
    v01 = np.array([c[1] for c in comps])
    s = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
    aucs = [c[2] for c in comps]
    zq = stats.norm.ppf(0.5 + conf / 2)
    out = [{"auc": a, "variance": s[k, k], "ci_lower": max(0.0, a - zq * np.sqrt(s[k, k])),
            "ci_upper": min(1.0, a + zq * np.sqrt(s[k, k]))} for k, a in enumerate(aucs)]
    if len(scores_list) == 2:
        var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
        z = (aucs[0] - aucs[1]) / np.sqrt(var)
        return {"first": out[0], "second": out[1], "covariance": s[0, 1], "z": z,
                "p_value": 2 * stats.norm.sf(abs(z))}
    return out[0]


def hosmer_lemeshow(y, p, g=10):
    breaks = np.unique(np.quantile(p, np.linspace(0, 1, g + 1)))
    cut = pd.cut(p, breaks, right=True, include_lowest=True)
    df = pd.DataFrame({"y": y, "p": p, "g": cut})
    t = df.groupby("g", observed=True).agg(n=("y", "size"), o=("y", "sum"), e=("p", "sum"))
    t = t[t.n > 0]
    chi = (((t.o - t.e) ** 2) / t.e + (((t.n - t.o) - (t.n - t.e)) ** 2) / (t.n - t.e)).sum()
    dof = len(t) - 2
    return {"statistic": chi, "df": dof, "p_value": stats.chi2.sf(chi, dof), "counts": t.n.tolist(),
            "observed": t.o.tolist(), "expected": t.e.tolist()}


def psi(ref, act, bins=10):
    r = ref[~np.isnan(ref)]
    cuts = np.unique(np.quantile(r, np.linspace(0, 1, bins + 1)))[1:-1]
    def counts(v):
        c = np.bincount(np.searchsorted(cuts, v[~np.isnan(v)], side="left"), minlength=len(cuts) + 1).tolist()
        return c + ([int(np.isnan(v).sum())] if (np.isnan(ref).any() or np.isnan(act).any()) else [])
    rc, ac = np.array(counts(ref), float), np.array(counts(act), float)
    rs, as_ = np.maximum(rc / rc.sum(), 1e-4), np.maximum(ac / ac.sum(), 1e-4)
    return {"psi": float(((as_ - rs) * np.log(as_ / rs)).sum()), "reference_counts": rc.tolist(),
            "actual_counts": ac.tolist(), "cuts": cuts.tolist()}


def main():
    rng = np.random.default_rng(20261123)
    out = {}

    tce = pd.read_csv(os.path.join(ROOT, "data", "two_class_example.csv"))
    y = (tce.truth == "Class1").astype(int).to_numpy()
    p = tce.Class1.to_numpy()
    out["two_class_example"] = {"delong": delong(y, [p]), "hosmer_lemeshow": hosmer_lemeshow(y, p),
                                "brier": float(np.mean((y - p) ** 2))}

    # Two correlated models on the same outcomes, with ties (scores rounded to 1 decimal / integers).
    n = 300
    latent = rng.normal(size=n)
    yy = (latent + rng.normal(size=n) > 0.8).astype(int)
    s1 = np.round(latent + 0.8 * rng.normal(size=n), 1)
    s2 = np.round(2 * (0.5 * latent + 1.2 * rng.normal(size=n)))
    out["delong_pair"] = {"labels": yy.tolist(), "first": s1.tolist(), "second": s2.tolist(),
                          "expected": delong(yy, [s1, s2])}

    # Hosmer-Lemeshow with tied probabilities (breaks merge) on a small sample.
    ph = np.clip(np.round(stats.norm.cdf(latent * 0.9 - 0.6), 1), 0.05, 0.95)
    out["hl_ties"] = {"labels": yy.tolist(), "probs": ph.tolist(), "expected": hosmer_lemeshow(yy, ph)}

    cases = [(1000, 25, 0.02), (500, 3, 0.01), (200, 0, 0.05), (50, 10, 0.1), (10000, 130, 0.012), (80, 80, 0.9)]
    out["default_tests"] = [{"n": n_, "d": d_, "pd": pd_,
                             "binomial": stats.binomtest(d_, n_, pd_, alternative="greater").pvalue,
                             "jeffreys": stats.beta.cdf(pd_, d_ + 0.5, n_ - d_ + 0.5)} for n_, d_, pd_ in cases]

    ref = rng.normal(600, 50, size=400)
    act = rng.normal(585, 60, size=300)
    ref[[3, 17]] = np.nan
    act[[5, 6, 7]] = np.nan
    act[:4] = 900.0  # beyond the reference range: the open-ended last bin
    out["psi"] = {"reference": [None if np.isnan(v) else v for v in ref],
                  "actual": [None if np.isnan(v) else v for v in act], "expected": psi(ref, act)}
    cat_ref = list("AAABBBBCCD")
    cat_act = list("AABBCCCCEE")
    rs = pd.Series(cat_ref).value_counts(normalize=True)
    as_ = pd.Series(cat_act).value_counts(normalize=True)
    keys = ["A", "B", "C", "D", "E"]
    r_ = np.maximum(np.array([rs.get(k, 0) for k in keys]), 1e-4)
    a_ = np.maximum(np.array([as_.get(k, 0) for k in keys]), 1e-4)
    out["psi_categorical"] = {"reference": cat_ref, "actual": cat_act,
                              "expected": float(((a_ - r_) * np.log(a_ / r_)).sum())}

    counts = np.array([120.0, 340.0, 280.0, 160.0, 70.0, 30.0])
    sh = counts / counts.sum()
    hhi = float((sh ** 2).sum())
    k = len(counts)
    cv = np.sqrt(k * ((sh - 1 / k) ** 2).sum())
    out["hhi"] = {"counts": counts.tolist(), "hhi": hhi, "normalised": (hhi - 1 / k) / (1 - 1 / k),
                  "ecb": 1 + np.log((cv ** 2 + 1) / k) / np.log(k)}

    grades = ["A", "B", "C", "D"]
    g0 = rng.integers(0, 4, size=200)
    g1 = np.clip(g0 + rng.choice([-2, -1, 0, 0, 0, 0, 1, 1, 2], size=200), 0, 3)
    ct = pd.crosstab(pd.Categorical([grades[i] for i in g0], grades), pd.Categorical([grades[i] for i in g1], grades),
                     dropna=False)
    out["migration"] = {"from": [grades[i] for i in g0], "to": [grades[i] for i in g1], "counts": ct.values.tolist(),
                        "rates": (ct.values / ct.values.sum(axis=1, keepdims=True)).tolist(),
                        "stable": float((g0 == g1).mean()), "up": float((g1 < g0).mean()),
                        "down": float((g1 > g0).mean()), "far": float((np.abs(g1 - g0) > 1).mean())}

    # Per-grade table: grades from PD bands, outcomes drawn at a PD 1.5x too low in grade C.
    pdv = np.exp(rng.uniform(np.log(0.002), np.log(0.3), size=2000))
    band = np.searchsorted([0.01, 0.03, 0.1, 1.0], pdv, side="left")
    truth = pdv * np.where(band == 2, 1.5, 1.0)
    yd = (rng.uniform(size=2000) < truth).astype(int)
    gnames = np.array(grades)[band]
    df = pd.DataFrame({"g": gnames, "y": yd, "pd": pdv})
    t = df.groupby("g").agg(n=("y", "size"), d=("y", "sum"), pd=("pd", "mean"))
    table = []
    for gname, row in t.iterrows():
        table.append({"grade": gname, "count": int(row.n), "defaults": int(row.d), "mean_pd": row.pd,
                      "binomial": stats.binomtest(int(row.d), int(row.n), row.pd, alternative="greater").pvalue,
                      "jeffreys": stats.beta.cdf(row.pd, row.d + 0.5, row.n - row.d + 0.5)})
    out["grade_table"] = {"grades": gnames.tolist(), "labels": yd.tolist(), "pds": pdv.tolist(), "rows": table,
                          "portfolio_jeffreys": stats.beta.cdf(pdv.mean(), yd.sum() + 0.5, len(yd) - yd.sum() + 0.5)}

    # Recalibration.
    logits = np.log(pdv / (1 - pdv))
    target = 0.05
    shift = optimize.brentq(lambda c: np.mean(1 / (1 + np.exp(-(logits + c)))) - target, -20, 20, xtol=1e-15)
    out["intercept_shift"] = {"target": target, "shift": shift}
    fit = sm.Logit(yd, sm.add_constant(logits)).fit(disp=0, tol=1e-12, maxiter=100)
    out["platt"] = {"intercept": fit.params[0], "slope": fit.params[1], "log_likelihood": fit.llf}
    xi = np.round(rng.normal(size=60), 1)
    yi = (rng.uniform(size=60) < stats.norm.cdf(xi)).astype(float)
    wi = rng.uniform(0.5, 2.0, size=60)
    iso = IsotonicRegression(out_of_bounds="clip").fit(xi, yi, sample_weight=wi)
    q = np.array([-3.0, -1.05, -0.33, 0.0, 0.27, 0.5, 1.44, 3.0])
    out["isotonic"] = {"x": xi.tolist(), "y": yi.tolist(), "w": wi.tolist(), "query": q.tolist(),
                       "predicted": iso.predict(q).tolist(), "fitted": iso.predict(xi).tolist()}

    # Inputs of the CLI tests (tests/golden/validate.test): the grade-table sample with a categorical channel and a
    # second, noisier score, and a reference sample whose PDs and channel mix have shifted.
    rng2 = np.random.default_rng(7)
    channels = np.array(["branch", "online", "broker"])
    chan = channels[rng2.choice(3, size=2000, p=[0.5, 0.3, 0.2])]
    score2 = np.round(logits + rng2.normal(0, 1.5, size=2000), 4)
    cli = pd.DataFrame({"default": np.where(yd == 1, "yes", "no"), "pd": np.round(pdv, 8), "grade": gnames,
                        "channel": chan, "score2": score2})
    cli.to_csv(os.path.join(ROOT, "tests", "golden", "inputs", "validate_pd.csv"), index=False)
    ref_pd = np.round(np.exp(rng2.uniform(np.log(0.001), np.log(0.25), size=800)), 8)
    ref = pd.DataFrame({"default": np.where(rng2.uniform(size=800) < ref_pd, "yes", "no"), "pd": ref_pd,
                        "grade": np.array(grades)[np.searchsorted([0.01, 0.03, 0.1, 1.0], ref_pd, side="left")],
                        "channel": channels[rng2.choice(3, size=800, p=[0.6, 0.3, 0.1])],
                        "score2": np.round(np.log(ref_pd / (1 - ref_pd)) + rng2.normal(0, 1.5, size=800), 4)})
    ref.to_csv(os.path.join(ROOT, "tests", "golden", "inputs", "validate_reference.csv"), index=False)
    # A rating one year earlier: the current band moved by up to one notch (empty = not rated then).
    prev = np.clip(band + rng2.choice([-1, 0, 0, 0, 1], size=2000), 0, 3)
    prev_names = np.array(grades)[prev].astype(object)
    prev_names[rng2.uniform(size=2000) < 0.05] = ""
    cli.insert(3, "previous_grade", prev_names)
    cli.to_csv(os.path.join(ROOT, "tests", "golden", "inputs", "validate_pd.csv"), index=False)
    rated = prev_names != ""
    mig = pd.crosstab(pd.Categorical(prev_names[rated], grades), pd.Categorical(gnames[rated], grades), dropna=False)
    print("  migration counts", mig.values.tolist(), "rates row A", (mig.values[0] / mig.values[0].sum()).round(4),
          "stable %.4f" % np.mean(prev_names[rated] == gnames[rated]))
    yc = (cli["default"] == "yes").to_numpy().astype(int)
    pc = cli["pd"].to_numpy()
    print("CLI validate_pd.csv:", delong(yc, [pc, cli["score2"].to_numpy()]))
    t = cli.assign(y=yc).groupby("grade").agg(n=("y", "size"), d=("y", "sum"), pd=("pd", "mean"))
    for gname, row in t.iterrows():
        print("  grade %s n %d d %d mean PD %.5f binomial %.4g Jeffreys %.4g" % (
            gname, row.n, row.d, row.pd, stats.binomtest(int(row.d), int(row.n), row.pd, alternative="greater").pvalue,
            stats.beta.cdf(row.pd, row.d + 0.5, row.n - row.d + 0.5)))
    print("  with master-scale PD 0.005 for A: binomial %.4g Jeffreys %.4g" % (
        stats.binomtest(int(t.d["A"]), int(t.n["A"]), 0.005, alternative="greater").pvalue,
        stats.beta.cdf(0.005, t.d["A"] + 0.5, t.n["A"] - t.d["A"] + 0.5)))
    print("  HL:", hosmer_lemeshow(yc, pc)["statistic"], hosmer_lemeshow(yc, pc)["p_value"])
    print("  PSI of pd vs reference: %.6f" % psi(ref["pd"].to_numpy(), pc)["psi"])
    print("  PSI of score2 vs reference: %.6f" % psi(ref["score2"].to_numpy(), cli["score2"].to_numpy())["psi"])
    rs_ = ref["channel"].value_counts(normalize=True)
    as2 = cli["channel"].value_counts(normalize=True)
    print("  CSI of channel: %.6f" % sum((as2[k] - rs_[k]) * np.log(as2[k] / rs_[k]) for k in channels))
    shares = t.n / t.n.sum()
    print("  HHI %.4f" % (shares ** 2).sum())

    with open(os.path.join(HERE, "validation_golden.json"), "w") as f:
        json.dump(out, f, default=float)
    tc = out["two_class_example"]
    print("two_class_example: AUC %.6f var %.10g HL %.3f df %d p %.6g Brier %.6f" % (
        tc["delong"]["auc"], tc["delong"]["variance"], tc["hosmer_lemeshow"]["statistic"],
        tc["hosmer_lemeshow"]["df"], tc["hosmer_lemeshow"]["p_value"], tc["brier"]))
    print("Jeffreys(1000, 25, 0.02) = %.4f" % out["default_tests"][0]["jeffreys"])
    print("DeLong pair:", out["delong_pair"]["expected"])


if __name__ == "__main__":
    main()
