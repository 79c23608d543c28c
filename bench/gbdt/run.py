#!/usr/bin/python3
"""Gradient-boosted trees, finai vs XGBoost (hist) vs scikit-learn HistGradientBoosting, side by side.

(a) the seeded synthetic 1M x 28 set (bench/gbdt/make_data.py: 5% missing, interactions), 80/20 split;
(b) credit_data and lending_club with their categoricals, 5-fold stratified AUC.
Same depth, bins (255), learning rate (0.1), rounds, L2 (1), min child weight (1) and threads for all.
Runs alternate finai / xgboost / sklearn with the load average checked before each; medians of --pairs.

Usage: bench/gbdt/run.py [--rows 1000000] [--rounds 100] [--depth 6] [--threads 2] [--pairs 3] [--skip-real]
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
OUT = os.path.join(ROOT, "bench/out")


def timed(cmd, env):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    rss = int([l for l in proc.stderr.splitlines() if l.startswith("RSS_KB=")][-1][7:]) / 1024
    return proc.stdout, wall, rss


def quiet(limit=2.5, patience=180):
    waited, load = 0, os.getloadavg()[0]
    while load > limit and waited < patience:
        time.sleep(5)
        waited += 5
        load = os.getloadavg()[0]
    return load


def run_finai(finai, train, test, target, rounds, depth, threads, env, extra=()):
    model = os.path.join(OUT, "bench_model.fgb")
    out, wall, rss = timed([finai, "train", train, "--target", target, "--valid", test, "--rounds", str(rounds),
                            "--max-depth", str(depth), "--threads", str(threads), "--no-progress", "--no-cache",
                            "--json", "-o", model, *extra], env)
    res = json.loads(out)
    return {"train_seconds": res["seconds"], "auc": res.get("valid_auc"), "wall": wall, "rss": rss}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--finai", default=os.path.join(ROOT, "build/release/bin/finai"))
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    prefix = os.path.join(OUT, f"synth{a.rows}")
    if not os.path.exists(prefix + "_train.csv"):
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_data.py"), prefix, str(a.rows), "42"], check=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), OPENBLAS_NUM_THREADS=str(a.threads))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {cpu}, {platform.platform()}")
    print(f"(a) synthetic {a.rows} rows x 28, rounds {a.rounds}, depth {a.depth}, threads {a.threads}")
    results = {"finai": [], "xgboost": [], "sklearn": []}
    for i in range(a.pairs):
        for lib in ("finai", "xgboost", "sklearn"):
            load = quiet()
            if lib == "finai":
                r = run_finai(a.finai, prefix + "_train.csv", prefix + "_test.csv", "default", a.rounds, a.depth,
                              a.threads, env)
            else:
                out, wall, rss = timed(["/usr/bin/python3", os.path.join(HERE, "competitors.py"), lib,
                                        prefix + "_train.csv", prefix + "_test.csv", "default", str(a.rounds),
                                        str(a.depth), str(a.threads)], env)
                r = json.loads(out)
                r.update(wall=wall, rss=rss)
            r["load"] = load
            results[lib].append(r)
            print(f"  run {i + 1} {lib:8s} load {load:.2f}: train {r['train_seconds']:.2f} s, AUC {r['auc']:.5f}, "
                  f"total {r['wall']:.2f} s, peak RSS {r['rss']:.0f} MB", flush=True)
    med = {lib: {k: statistics.median(r[k] for r in rs) for k in ("train_seconds", "auc", "wall", "rss")}
           for lib, rs in results.items()}
    for lib in ("xgboost", "sklearn"):
        print(f"  finai vs {lib}: training {med[lib]['train_seconds'] / med['finai']['train_seconds']:.2f}x faster, "
              f"end to end {med[lib]['wall'] / med['finai']['wall']:.2f}x, AUC difference "
              f"{med['finai']['auc'] - med[lib]['auc']:+.5f}, peak memory {med['finai']['rss'] / med[lib]['rss']:.2f} of theirs")
    print(json.dumps(med))


if __name__ == "__main__":
    main()
