#!/usr/bin/python3
"""Golden WoE / IV for fixed bins (tests/unit/scorecard/binning_test.cpp), computed with pandas.

data/credit_data.csv, event Status == "bad". Income binned with cuts 80, 110, 140, 200 (bins (-inf, 80],
(80, 110], ..., (200, +inf)), special value 0 apart, missing apart. Home grouped as [rent], [owner],
[parents, priv], and the rest one category each. WoE = ln(%good / %bad), IV = sum (%good - %bad) * WoE.
Run from the repository root: /usr/bin/python3 tests/golden/scorecard/make_binning_golden.py
"""
import numpy as np
import pandas as pd

df = pd.read_csv("data/credit_data.csv")
bad = (df["Status"] == "bad").astype(float)
good = 1 - bad


def report(name, key):
    g = good.groupby(key, sort=False).sum()
    b = bad.groupby(key, sort=False).sum()
    order = sorted(g.index)
    g, b = g[order], b[order]
    woe = np.log((g / good.sum()) / (b / bad.sum()))
    iv = ((g / good.sum() - b / bad.sum()) * woe)
    print(f"// {name}: keys {list(order)}")
    print(f"const std::vector<double> k{name}Events = {{" + ", ".join(f"{v:.0f}" for v in b) + "};")
    print(f"const std::vector<double> k{name}Woe = {{" + ", ".join(f"{v:.12g}" for v in woe) + "};")
    print(f"const double k{name}Iv = {iv.sum():.12g};")


inc = df["Income"]
key = np.where(inc.isna(), 6, np.where(inc == 0, 5, np.searchsorted([80, 110, 140, 200], inc.fillna(0), side="left")))
report("Income", pd.Series(key, index=df.index))
groups = {"rent": 0, "owner": 1, "parents": 2, "priv": 2}
rest = sorted(set(df["Home"].dropna()) - set(groups))
print("// Home rest:", rest)
home = df["Home"].map(lambda h: 99 if pd.isna(h) else groups.get(h, 3 + rest.index(h) if h in rest else 98))
report("Home", home)
