#!/usr/bin/python3
"""Synthetic credit-like benchmark data: ROWS x 28 numeric features, 5% of values missing, a binary target
drawn from a non-linear function with interactions (thresholds, products, a sine, a ratio).

Usage: make_data.py OUT_PREFIX [ROWS] [SEED]  -> OUT_PREFIX_train.csv, OUT_PREFIX_test.csv (80/20)
"""
import sys

import numpy as np
import pandas as pd

prefix = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
rng = np.random.default_rng(seed)

x = rng.normal(size=(rows, 28))
x[:, 20:24] = rng.lognormal(size=(rows, 4))          # skewed amounts
x[:, 24:28] = rng.integers(0, 10, size=(rows, 4))    # small counts
f = (1.2 * x[:, 0] - 0.8 * x[:, 1] + 0.9 * (x[:, 2] > 0.5) * x[:, 3] + np.sin(2 * x[:, 4])
     + 0.6 * x[:, 5] * x[:, 6] - 0.7 * np.log1p(x[:, 20]) + 0.5 * (x[:, 24] > 6) - 0.4 * x[:, 7] ** 2
     + 0.3 * x[:, 21] / (1 + x[:, 22]) + 0.25 * x[:, 8] * (x[:, 25] - 5))
p = 1 / (1 + np.exp(-(f - 0.5)))
y = (rng.random(rows) < p).astype(int)
x[rng.random(x.shape) < 0.05] = np.nan
df = pd.DataFrame(np.round(x, 5), columns=[f"f{i:02d}" for i in range(28)])
df.insert(0, "default", y)
cut = int(rows * 0.8)
df.iloc[:cut].to_csv(f"{prefix}_train.csv", index=False, na_rep="")
df.iloc[cut:].to_csv(f"{prefix}_test.csv", index=False, na_rep="")
