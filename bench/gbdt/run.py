#!/usr/bin/python3
"""Gradient-boosted trees, finai vs XGBoost (hist) vs scikit-learn HistGradientBoosting, side by side.

(a) the seeded synthetic 1M x 28 set (bench/gbdt/make_data.py: 5% missing, interactions), 80/20 split:
    train time, AUC, peak RSS, batch-predict rows/s; medians of --pairs alternating runs.
(l) single-row latency of a --latency-rounds (500) tree model trained on the first --latency-rows rows of
    the synthetic training file: finai's compiled predictor vs XGBoost's inplace_predict, one thread.
(b) credit_data and lending_club with their categoricals, 5-fold stratified AUC (mean, sd), train time.
Same depth, bins (255), learning rate (0.1), rounds, L2 (1), min child weight (1) and threads for all.
The load average is checked before each timed run (and printed with it).

Usage: bench/gbdt/run.py [--rows 1000000] [--rounds 100] [--depth 6] [--threads 2] [--pairs 3]
                         [--latency-rounds 500] [--latency-rows 50000] [--skip-real] [--skip-synthetic] [--patience 180]
Ends with one JSON line holding every median (the summary above it is what goes into bench/RESULTS.md).
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
PY = os.environ.get("FINAI_BENCH_PYTHON", "/usr/bin/python3")  # Debian's python3-xgboost 1.7.4 and scikit-learn live here
COMPETITORS = os.path.join(HERE, "competitors.py")
LIBS = ("finai", "xgboost", "sklearn")

# The real data sets: target, event value, categorical columns, finai's schema (if any).
REAL = {
    "credit_data": {"target": "Status", "event": "bad", "categorical": ["Home", "Marital", "Records", "Job"],
                    "schema": os.path.join(ROOT, "data/credit_data.schema.json")},
    "lending_club": {"target": "Class", "event": "bad",
                     "categorical": ["term", "sub_grade", "addr_state", "verification_status", "emp_length"],
                     "schema": None},
}


# ---------------------------------------------------------------------------------------------- running
def timed(cmd, env):
    """Runs cmd under /usr/bin/time; returns stdout, wall seconds and peak RSS in MB (this process alone)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    rss = int([l for l in proc.stderr.splitlines() if l.startswith("RSS_KB=")][-1][7:]) / 1024
    return proc.stdout, wall, rss


class Quiet:
    """Waits (up to `patience` s) for the 1-minute load average to fall under `limit` before a timed run.
    Once a whole wait has passed without the machine calming down it is busy for good: later calls only
    record the load, since waiting again would multiply the run time without making timings cleaner."""

    def __init__(self, limit, patience):
        self.limit, self.patience = limit, patience

    def __call__(self):
        waited, load = 0, os.getloadavg()[0]
        while load > self.limit and waited < self.patience:
            time.sleep(5)
            waited += 5
            load = os.getloadavg()[0]
        if load > self.limit and self.patience > 0:
            print(f"  (load {load:.2f} stayed above {self.limit} for {self.patience} s; not waiting any more)")
            self.patience = 0
        return load


def run_finai(a, train, test, target, rounds, model, env, extra=()):
    """finai train (CLI, as a user runs it); AUC is the --valid set's, of the final model."""
    out, wall, rss = timed([a.finai, "train", train, "--target", target, "--valid", test, "--rounds", str(rounds),
                            "--max-depth", str(a.depth), "--threads", str(a.threads), "--no-progress",
                            "--no-cache", "--json", "-o", model, *extra], env)
    res = json.loads(out)
    return {"train_seconds": res["seconds"], "auc": res.get("valid_auc"), "wall": wall, "rss": rss}


def predict_bench(a, model, data, env, calls=2000):
    """Batch rows/s (best of 5, --threads) and single-row p50/p99 us (one thread) of a saved finai model."""
    out, _, _ = timed([a.predict_bench, model, data, str(a.threads), str(calls)], env)
    return json.loads(out)


def run_competitor(lib, train, test, target, rounds, depth, threads, env, categorical=()):
    cmd = [PY, COMPETITORS, lib, train, test, target, str(rounds), str(depth), str(threads)]
    if categorical:
        cmd += ["--categorical", ",".join(categorical)]
    out, wall, rss = timed(cmd, env)
    r = json.loads(out)
    r.update(wall=wall, rss=rss)
    return r


# ---------------------------------------------------------------------------------------------- (a)
def synthetic(a, env, quiet, prefix):
    print(f"(a) synthetic {a.rows} rows x 28 (80/20), rounds {a.rounds}, depth {a.depth}, threads {a.threads}")
    model = os.path.join(OUT, "bench_model.fgb")
    train, test = prefix + "_train.csv", prefix + "_test.csv"
    results = {lib: [] for lib in LIBS}
    for i in range(a.pairs):
        for lib in LIBS:  # alternate, so that a slow spell of the shared machine hits all three alike
            load = quiet()
            if lib == "finai":
                r = run_finai(a, train, test, "default", a.rounds, model, env)
                # Prediction in its own process after training: the same model file a deployment loads.
                p = predict_bench(a, model, test, env)
                r["predict_rows_per_second"] = p["predict_rows_per_second"]
            else:
                r = run_competitor(lib, train, test, "default", a.rounds, a.depth, a.threads, env)
            r["load"] = load
            results[lib].append(r)
            print(f"  run {i + 1} {lib:8s} load {load:.2f}: train {r['train_seconds']:.2f} s, AUC {r['auc']:.5f}, "
                  f"total {r['wall']:.2f} s, peak RSS {r['rss']:.0f} MB, "
                  f"predict {r['predict_rows_per_second'] / 1e6:.2f} M rows/s", flush=True)
    keys = ("train_seconds", "auc", "wall", "rss", "predict_rows_per_second")
    med = {lib: {k: statistics.median(r[k] for r in rs) for k in keys} for lib, rs in results.items()}
    f = med["finai"]
    for lib in ("xgboost", "sklearn"):
        o = med[lib]
        print(f"  finai vs {lib}: training {o['train_seconds'] / f['train_seconds']:.2f}x faster, end to end "
              f"{o['wall'] / f['wall']:.2f}x, AUC difference {f['auc'] - o['auc']:+.5f}, peak memory "
              f"{f['rss'] / o['rss']:.2f} of theirs, batch predict "
              f"{f['predict_rows_per_second'] / o['predict_rows_per_second']:.2f}x their rows/s")
        # Each pair ran minutes apart at most: its ratio is less exposed to the host's slow spells than the
        # medians taken separately, so the spread of the pairs' ratios is shown beside them.
        pairs = sorted(o_r["train_seconds"] / f_r["train_seconds"] for f_r, o_r in zip(results["finai"], results[lib]))
        print(f"    training ratio pair by pair: {', '.join(f'{x:.2f}' for x in pairs)} "
              f"(median {statistics.median(pairs):.2f}x)")
    return med


# ---------------------------------------------------------------------------------------------- latency
def head_csv(src, dst, rows):
    """The header and the first `rows` data lines of src (make_data.py writes one record per line)."""
    with open(src) as fin, open(dst, "w") as fout:
        for i, line in enumerate(fin):
            if i > rows:
                break
            fout.write(line)


def latency(a, env, quiet, prefix):
    print(f"(l) single-row latency: {a.latency_rounds} trees of depth {a.depth}, trained on the first "
          f"{a.latency_rows} synthetic rows; 2000 distinct test rows, one at a time, one thread")
    train = os.path.join(OUT, f"synth{a.rows}_first{a.latency_rows}_train.csv")
    test = prefix + "_test.csv"
    if not os.path.exists(train):
        head_csv(prefix + "_train.csv", train, a.latency_rows)
    model = os.path.join(OUT, "latency_model.fgb")
    quiet()
    run_finai(a, train, test, "default", a.latency_rounds, model, env)
    load = quiet()
    p = predict_bench(a, model, test, env)
    fin = {"trees": p["trees"], "p50_us": p["single_row_us_p50"], "p99_us": p["single_row_us_p99"]}
    load_x = quiet()
    out, _, _ = timed([PY, COMPETITORS, "xgboost-latency", train, test, "default", str(a.latency_rounds),
                       str(a.depth), str(a.threads)], env)
    x = json.loads(out)
    xgb = {"trees": x["trees"], "p50_us": x["single_row_us_p50"], "p99_us": x["single_row_us_p99"]}
    for name, r, ld in (("finai", fin, load), ("xgboost", xgb, load_x)):
        print(f"  {name:8s} load {ld:.2f}: {r['trees']} trees, p50 {r['p50_us']:.2f} us, p99 {r['p99_us']:.2f} us")
    print(f"  xgboost / finai: p50 {xgb['p50_us'] / fin['p50_us']:.2f}x, p99 {xgb['p99_us'] / fin['p99_us']:.2f}x "
          f"(goal: finai p50 <= 20 us with 500 trees)")
    return {"finai": fin, "xgboost": xgb}


# ---------------------------------------------------------------------------------------------- (b)
def write_folds(name, spec):
    """5 stratified folds (seeded, as sklearn's StratifiedKFold(5, shuffle=True, random_state=42)), each as a
    train and a test CSV, so that every library reads the very same rows from disk."""
    import pandas as pd
    from sklearn.model_selection import StratifiedKFold
    df = pd.read_csv(os.path.join(ROOT, "data", name + ".csv"))
    folds = []
    for k, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=42).split(df, df[spec["target"]])):
        paths = tuple(os.path.join(OUT, f"{name}_fold{k}_{part}.csv") for part in ("train", "test"))
        df.iloc[tr].to_csv(paths[0], index=False)
        df.iloc[te].to_csv(paths[1], index=False)
        folds.append(paths)
    return folds


def real(a, env, quiet):
    print(f"(b) real data, 5-fold stratified CV, rounds {a.rounds}, depth {a.depth}, threads {a.threads}")
    summary = {}
    for name, spec in REAL.items():
        extra = ["--event", spec["event"]] + (["--schema", spec["schema"]] if spec["schema"] else [])
        res = {lib: [] for lib in LIBS}
        for train, test in write_folds(name, spec):
            quiet()  # once per fold: these runs take well under a second each
            for lib in LIBS:
                if lib == "finai":
                    model = os.path.join(OUT, f"{name}_model.fgb")
                    r = run_finai(a, train, test, spec["target"], a.rounds, model, env, extra)
                else:
                    r = run_competitor(lib, train, test, spec["target"], a.rounds, a.depth, a.threads, env,
                                       spec["categorical"])
                res[lib].append(r)
        summary[name] = {}
        for lib in LIBS:
            aucs = [r["auc"] for r in res[lib]]
            s = {"auc_mean": statistics.mean(aucs), "auc_sd": statistics.stdev(aucs),
                 "train_seconds": sum(r["train_seconds"] for r in res[lib]), "rss": max(r["rss"] for r in res[lib])}
            summary[name][lib] = s
            print(f"  {name:12s} {lib:8s}: AUC {s['auc_mean']:.4f} +- {s['auc_sd']:.4f}, "
                  f"train {s['train_seconds']:.2f} s (5 folds), peak RSS {s['rss']:.0f} MB")
        diff = summary[name]["finai"]["auc_mean"] - summary[name]["xgboost"]["auc_mean"]
        summary[name]["auc_diff_finai_xgboost"] = diff
        print(f"  {name:12s} AUC finai - xgboost {diff:+.4f}"
              + (" (finai with the schema: Age is sensitive, hence no feature; monotone constraints on"
                 " Seniority, Income, Assets; the others use every column, unconstrained)" if spec["schema"] else ""))
    return summary


# ---------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--latency-rounds", type=int, default=500)
    ap.add_argument("--latency-rows", type=int, default=50_000)
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true", help="only the real data sets (b)")
    ap.add_argument("--max-load", type=float, default=2.5, help="load average to wait for before a timed run")
    ap.add_argument("--patience", type=int, default=180, help="seconds to wait for it, at most (0: never)")
    ap.add_argument("--finai", default=os.path.join(ROOT, "build/release/bin/finai"))
    ap.add_argument("--predict-bench", default=os.path.join(ROOT, "build/release/bin/gbdt_predict_bench"))
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    prefix = os.path.join(OUT, f"synth{a.rows}")
    if not a.skip_synthetic and not os.path.exists(prefix + "_train.csv"):
        subprocess.run([PY, os.path.join(HERE, "make_data.py"), prefix, str(a.rows), "42"], check=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), OPENBLAS_NUM_THREADS=str(a.threads))
    quiet = Quiet(a.max_load, a.patience)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {cpu}, {platform.platform()}")
    results = {"synthetic": None if a.skip_synthetic else synthetic(a, env, quiet, prefix),
               "latency": latency(a, env, quiet, prefix) if a.latency_rounds > 0 and not a.skip_synthetic else None,
               "real": None if a.skip_real else real(a, env, quiet)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
