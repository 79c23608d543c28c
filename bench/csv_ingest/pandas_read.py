#!/usr/bin/python3
"""The competitor: pandas.read_csv (C engine) on the benchmark file. Prints JSON like `finai read --json`."""
import json
import sys
import time

import pandas as pd

start = time.perf_counter()
df = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"rows": len(df), "columns": df.shape[1], "seconds": seconds,
                  "schema": [{"name": c, "missing": int(df[c].isna().sum())} for c in df.columns]}))
