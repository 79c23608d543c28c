#!/usr/bin/python3
"""CSV ingest, finai vs pandas.read_csv, side by side (BENCHMARKING.md): alternating pairs, load checked
before each, median of the pairs, ratio printed. Quality check: both must read the same number of rows and
the same count of missing values in every column.

Usage: bench/csv_ingest/run.py [--rows 1000000] [--pairs 3] [--threads 2] [--finai build/release/bin/finai]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(cmd, env):
    """Runs cmd under /usr/bin/time; returns (its JSON stdout, wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    rss_kb = int([l for l in proc.stderr.splitlines() if l.startswith("RSS_KB=")][-1][7:])
    return json.loads(proc.stdout), wall, rss_kb / 1024


def wait_for_quiet(limit=1.5, patience=120):
    load = os.getloadavg()[0]
    waited = 0
    while load > limit and waited < patience:
        time.sleep(5)
        waited += 5
        load = os.getloadavg()[0]
    return load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--finai", default=os.path.join(ROOT, "build/release/bin/finai"))
    args = ap.parse_args()

    out_dir = os.path.join(ROOT, "bench/out")
    os.makedirs(out_dir, exist_ok=True)
    data = os.path.join(out_dir, f"ingest_{args.rows}.csv")
    if not os.path.exists(data):
        print(f"generating {data} ...", flush=True)
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_data.py"), data, str(args.rows), "42"], check=True)
    size_mb = os.path.getsize(data) / 1e6
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    finai_cmd = [args.finai, "read", data, "--json", "--threads", str(args.threads), "--no-progress", "--no-cache"]
    pandas_cmd = ["/usr/bin/python3", os.path.join(HERE, "pandas_read.py"), data]

    rows = []
    for i in range(args.pairs):
        load = wait_for_quiet()
        f_out, f_wall, f_rss = timed(finai_cmd, env)
        p_out, p_wall, p_rss = timed(pandas_cmd, env)
        same = f_out["rows"] == p_out["rows"] and [c["missing"] for c in f_out["schema"]] == \
            [c["missing"] for c in p_out["schema"]]
        rows.append((load, f_out["seconds"], f_wall, f_rss, p_out["seconds"], p_wall, p_rss, same))
        print(f"pair {i + 1}: load {load:.2f}  finai {f_out['seconds']:.3f} s parse, {f_wall:.3f} s total, "
              f"{f_rss:.0f} MB | pandas {p_out['seconds']:.3f} s parse, {p_wall:.3f} s total, {p_rss:.0f} MB | "
              f"same rows and missing counts: {same}", flush=True)

    med = lambda k: statistics.median(r[k] for r in rows)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print()
    print(f"CSV ingest: {args.rows} rows x 30 columns, {size_mb:.0f} MB, {args.threads} threads, "
          f"{os.cpu_count()} cores ({cpu}), {platform.platform()}")
    print(f"  finai  parse {med(1):.3f} s  total {med(2):.3f} s  peak RSS {med(3):.0f} MB")
    print(f"  pandas parse {med(4):.3f} s  total {med(5):.3f} s  peak RSS {med(6):.0f} MB")
    print(f"  speed-up (pandas / finai): parse {med(4) / med(1):.2f}x, end to end {med(5) / med(2):.2f}x; "
          f"memory finai / pandas {med(3) / med(6):.2f}; results agree: {all(r[7] for r in rows)}")


if __name__ == "__main__":
    main()
