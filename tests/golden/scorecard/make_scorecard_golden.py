#!/usr/bin/python3
"""Golden scorecard for tests/unit/scorecard/scorecard_test.cpp: fixed bins, WoE, statsmodels Logit, points.

data/credit_data.csv, event Status == "bad". Bins: Seniority cuts 1, 3, 7, 14 (+ missing); Income cuts 80, 110,
140, 200 (+ missing); Home groups [rent], [owner], [parents, priv], then ignore and other each alone (+ missing).
WoE = ln(%good / %bad). Logit of bad on the three WoE columns (statsmodels). Points per bin with PDO 50, base
score 600 at good:bad odds 19: factor = 50 / ln 2, offset = 600 - factor ln 19,
points = -factor * b_j * WoE + (offset - factor * b0) / 3, unrounded.
Run from the repository root: /usr/bin/python3 tests/golden/scorecard/make_scorecard_golden.py
"""
import numpy as np
import pandas as pd
import statsmodels.api as sm

df = pd.read_csv("data/credit_data.csv")
bad = (df["Status"] == "bad").astype(float)


def woe_column(key):
    g = (1 - bad).groupby(key).sum()
    b = bad.groupby(key).sum()
    woe = np.log((g / (1 - bad).sum()) / (b / bad.sum()))
    return key.map(woe), woe


def numeric_key(col, cuts):
    x = df[col]
    return pd.Series(np.where(x.isna(), len(cuts) + 1, np.searchsorted(cuts, x.fillna(0), side="left")), index=df.index)


home_groups = {"rent": 0, "owner": 1, "parents": 2, "priv": 2, "ignore": 3, "other": 4}
keys = {
    "Seniority": numeric_key("Seniority", [1, 3, 7, 14]),
    "Income": numeric_key("Income", [80, 110, 140, 200]),
    "Home": df["Home"].map(lambda h: 5 if pd.isna(h) else home_groups[h]),
}
x = pd.DataFrame({name: woe_column(key)[0] for name, key in keys.items()})
res = sm.Logit(bad, sm.add_constant(x)).fit(method="newton", tol=1e-12, disp=0)
factor = 50 / np.log(2)
offset = 600 - factor * np.log(19)
print("const std::vector<double> kCoef = {" + ", ".join(f"{v:.12g}" for v in res.params) + "};")
print("const std::vector<double> kStdErr = {" + ", ".join(f"{v:.12g}" for v in res.bse) + "};")
for j, name in enumerate(keys):
    woe = woe_column(keys[name])[1]
    pts = -factor * res.params[name] * woe + (offset - factor * res.params["const"]) / 3
    print(f"// {name} bins {list(woe.index)}")
    print(f"const std::vector<double> k{name}Points = {{" + ", ".join(f"{v:.10g}" for v in pts) + "};")
margin = sm.add_constant(x) @ res.params
print(f"const double kScoreRow0 = {offset - factor * margin.iloc[0]:.10g};  // first data row, unrounded")
print(f"const double kPdRow0 = {1 / (1 + np.exp(-margin.iloc[0])):.12g};")
