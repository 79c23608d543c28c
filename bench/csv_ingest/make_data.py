#!/usr/bin/python3
"""Writes the CSV-ingest benchmark file: ROWS rows x 30 columns, seeded, like a loan book export.

24 decimal columns (amounts, rates, ratios with 2 to 6 decimals), 3 integer columns (counts, days),
3 categorical text columns (grade, state, purpose); about 2% of the values are missing (empty fields).
Usage: make_data.py OUT.csv [ROWS] [SEED]
"""
import sys

import numpy as np
import pandas as pd

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
rng = np.random.default_rng(seed)

cols = {}
for i in range(24):
    scale = [1.0, 100.0, 10000.0, 0.01][i % 4]
    decimals = [2, 3, 4, 6][i % 4]
    v = np.round(rng.lognormal(0.0, 1.0, rows) * scale, decimals)
    v[rng.random(rows) < 0.02] = np.nan
    cols[f"x{i:02d}"] = v
for i in range(3):
    v = rng.integers(0, [10, 400, 100000][i], rows).astype(float)
    v[rng.random(rows) < 0.02] = np.nan
    cols[f"n{i}"] = pd.array(np.where(np.isnan(v), pd.NA, v), dtype="Int64")
grades = np.array([f"{g}{k}" for g in "ABCDEFG" for k in range(1, 6)])
states = np.array(["CA", "NY", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "NJ", "VA", "WA", "AZ", "MA"])
purposes = np.array(["debt_consolidation", "credit_card", "home_improvement", "major_purchase", "car", "medical",
                     "small_business", "vacation", "moving", "other"])
cols["grade"] = grades[rng.integers(0, len(grades), rows)]
cols["state"] = states[rng.integers(0, len(states), rows)]
cols["purpose"] = purposes[rng.integers(0, len(purposes), rows)]
pd.DataFrame(cols).to_csv(out, index=False, na_rep="")
