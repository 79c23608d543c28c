#!/usr/bin/python3
"""LDA Monte Carlo, finai vs R actuar, side by side (see /work/shared/BENCHMARKING.md).

The model: Poisson frequency with lambda = the mean of the Danish fire losses' yearly counts, lognormal severity
fitted by ML to the losses; both sets of parameters are read from tests/golden/risk/oprisk_golden.json, i.e. as
R fitted them, and passed to both sides. finai simulates --finai-years (default 10 M) with oprisk_bench at 1 and
2 threads; R simulates --r-years (default 1 M) with actuar::rcompound (bench/oprisk/r_simulate.R). Each side
reports the time of its simulation alone (not process start-up or data reading); the figure compared is
simulated losses per second. Runs alternate (finai 1t, finai 2t, R, then R first in the next round, ...); the
1-minute load average is read before each run; no run starts above --max-load
(a run waits, up to 3 x --patience seconds, until the load is at most --max-load; if it never is, the run is
made anyway and flagged in the output).
Quality: the 99.9% quantile of both, with finai's 95% order-statistic interval.

Usage: bench/oprisk/run.py [--pairs 3] [--finai-years 10000000] [--r-years 1000000]
                           [--bench build/h-oprisk-rel/bin/oprisk_bench] [--write-results]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load_average():
    return os.getloadavg()[0]


def wait_for_quiet(limit, patience):
    waited = 0
    load = load_average()
    while load > limit and waited < patience:
        time.sleep(10)
        waited += 10
        load = load_average()
    return load


def run_json(cmd, env):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--finai-years", type=int, default=10_000_000)
    ap.add_argument("--r-years", type=int, default=1_000_000)
    ap.add_argument("--bench", default=os.path.join(ROOT, "build/h-oprisk-rel/bin/oprisk_bench"))
    ap.add_argument("--max-load", type=float, default=2.0)
    ap.add_argument("--patience", type=int, default=600)
    ap.add_argument("--write-results", action="store_true", help="append the figures to bench/RESULTS.md")
    args = ap.parse_args()

    with open(os.path.join(ROOT, "tests/golden/risk/oprisk_golden.json")) as f:
        golden = json.load(f)
    lam = golden["frequency_year"]["poisson"]["lambda"]
    meanlog, sdlog = golden["severity"][0]["estimate"]
    params = {"lambda": lam, "meanlog": meanlog, "sdlog": sdlog}
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")

    def finai(threads, seed):
        cmd = [args.bench, "--years", str(args.finai_years), "--threads", str(threads), "--seed", str(seed),
               "--lambda", repr(lam), "--meanlog", repr(meanlog), "--sdlog", repr(sdlog)]
        return run_json(cmd, dict(env, OMP_NUM_THREADS=str(threads)))

    def r(seed):
        cmd = ["Rscript", os.path.join(HERE, "r_simulate.R"), str(args.r_years), repr(lam), repr(meanlog), repr(sdlog),
               str(seed)]
        return run_json(cmd, env)

    runs = {"finai_1t": [], "finai_2t": [], "r": []}
    loads = {k: [] for k in runs}
    flagged = []

    def measured(name, fn):
        # Wait for a quiet machine; only after three full waits in vain run anyway, and flag the figure.
        for attempt in range(3):
            load = wait_for_quiet(args.max_load, args.patience)
            if load <= args.max_load:
                break
            print(f"  {name}: load still {load:.2f} after {args.patience} s", flush=True)
        if load > args.max_load:
            flagged.append(f"{name} started at load {load:.2f}")
        result = fn()
        runs[name].append(result)
        loads[name].append(load)
        print(f"  {name:9s} load {load:4.2f}  {result['losses_per_second'] / 1e6:8.2f} M losses/s  "
              f"VaR99.9 {result['var']:.4f}", flush=True)

    for p in range(args.pairs):
        print(f"round {p + 1}/{args.pairs}", flush=True)
        seed = 1000 + p
        order = [("finai_1t", lambda: finai(1, seed)), ("finai_2t", lambda: finai(2, seed)), ("r", lambda: r(seed))]
        if p % 2 == 1:
            order = order[::-1]
        for name, fn in order:
            measured(name, fn)

    med = {k: statistics.median(x["losses_per_second"] for x in v) for k, v in runs.items()}
    last_finai = runs["finai_2t"][-1]
    summary = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores",
        "model": params,
        "finai_years": args.finai_years,
        "r_years": args.r_years,
        "median_losses_per_second": med,
        "ratio_1t_vs_r": med["finai_1t"] / med["r"],
        "ratio_2t_vs_r": med["finai_2t"] / med["r"],
        "var_finai": [x["var"] for x in runs["finai_2t"]],
        "var_finai_ci_last": last_finai["var_ci"],
        "var_r": [x["var"] for x in runs["r"]],
        "loads": loads,
        "flagged": flagged,
    }
    print(json.dumps(summary, indent=1))
    print(f"\nfinai 1 thread: {med['finai_1t'] / 1e6:.1f} M losses/s; 2 threads: {med['finai_2t'] / 1e6:.1f} M/s; "
          f"R actuar::rcompound: {med['r'] / 1e6:.2f} M/s; ratio {summary['ratio_1t_vs_r']:.1f}x (1 thread), "
          f"{summary['ratio_2t_vs_r']:.1f}x (2 threads)")

    if args.write_results:
        path = os.path.join(ROOT, "bench/RESULTS.md")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write("# Benchmark results\n\nOne section per benchmark run, newest last; earlier figures are kept "
                        "(see /work/shared/BENCHMARKING.md).\n")
        load_text = ", ".join(f"{k} {min(v):.2f}-{max(v):.2f}" for k, v in loads.items())
        cmd = " ".join(["bench/oprisk/run.py"] + sys.argv[1:])
        section = f"""
## Operational risk (LDA) Monte Carlo: finai vs R actuar — {summary['date']}

- Machine: {summary['machine']}; load average (1 min) before the runs: {load_text}{'; flagged: ' + '; '.join(flagged) if flagged else ''}
- Command: `{cmd}` (finai: `oprisk_bench`, Release build; {runs['r'][0]['r']}, actuar {runs['r'][0]['actuar']}, `actuar::rcompound` in chunks of 100 000 years)
- Model: Poisson(lambda = {lam:g}) x lognormal(meanlog = {meanlog:.6f}, sdlog = {sdlog:.6f}), R's fit to data/danish_fire_claims.csv (yearly counts)
- Simulated years: finai {args.finai_years:,}, R {args.r_years:,}; median of {args.pairs} alternating rounds; time of the simulation alone

| | losses / s (median) | ratio to R | 99.9% quantile (each round) |
|---|---:|---:|---|
| finai, 1 thread | {med['finai_1t'] / 1e6:.1f} M | {summary['ratio_1t_vs_r']:.1f}x | {', '.join(f"{x['var']:.2f}" for x in runs['finai_1t'])} |
| finai, 2 threads | {med['finai_2t'] / 1e6:.1f} M | {summary['ratio_2t_vs_r']:.1f}x | {', '.join(f"{x['var']:.2f}" for x in runs['finai_2t'])} |
| R actuar::rcompound, 1 thread | {med['r'] / 1e6:.2f} M | 1 | {', '.join(f"{x['var']:.2f}" for x in runs['r'])} |

Quality: finai's 95% order-statistic interval for the 99.9% quantile (last 2-thread run, {args.finai_years:,} years):
[{last_finai['var_ci'][0]:.2f}, {last_finai['var_ci'][1]:.2f}]; actuar's Panjer recursion (step 0.25) gives
{golden['panjer_poisson']['quantiles'][3]:.2f}.
"""
        with open(path, "a") as f:
            f.write(section)
        print(f"appended to {path}")


if __name__ == "__main__":
    main()
