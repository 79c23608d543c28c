#!/usr/bin/python3
"""Runs a declarative end-to-end test file (tests/golden/*.test) against the finai binary.

A test file is a list of cases separated by blank lines. Each case is a few 'key: value' lines:

    # a comment
    run: profile data/credit_data.csv --target Status      (arguments of finai, run from the source dir;
                                                            {tmp} is a fresh temporary directory per file)
    exit: 0                                                 (expected exit code; default 0)
    stdout-contains: event 'bad' in 1254 rows               (each may repeat; all must hold)
    stderr-contains: ...
    stdout-not-contains: ...
    stderr-equals: finai: error: ...                        (the whole of stderr, stripped)
    file-contains: {tmp}/out.csv :: some text               (a file the command wrote)
    csv-close: {tmp}/p.csv margin :: ref.csv margin :: 1e-6  (a column of a CSV the command wrote equals a column
                                                            of a reference CSV, row by row, within the tolerance)

The runner prints every failed expectation with the command's actual output, and exits 1 if any failed.
"""
import argparse
import csv
import os
import shlex
import subprocess
import sys
import tempfile


def parse_cases(text):
    cases, current = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            if current:
                cases.append(current)
                current = []
            continue
        if stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        if not sep:
            raise SystemExit(f"line {lineno}: expected 'key: value', got {stripped!r}")
        current.append((lineno, key.strip(), value.strip()))
    if current:
        cases.append(current)
    return cases


def csv_close(value, source_dir):
    """'ACTUAL COLUMN :: EXPECTED COLUMN :: TOLERANCE': a list of problems (empty when the columns agree). Relative
    paths are from the source directory, as the command's."""
    parts = value.split(" :: ")
    if len(parts) != 3:
        return [f"csv-close needs 'FILE COLUMN :: FILE COLUMN :: TOLERANCE', got {value!r}"]
    columns = []
    for part in parts[:2]:
        path, _, column = part.rpartition(" ")
        path = os.path.join(source_dir, path)
        try:
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            return [f"cannot read {path}: {e}"]
        if rows and column not in rows[0]:
            return [f"{path} has no column {column!r}"]
        columns.append((path, [float(r[column]) for r in rows]))
    (actual_path, actual), (expected_path, expected) = columns
    if len(actual) != len(expected) or not actual:
        return [f"{actual_path} has {len(actual)} rows, {expected_path} {len(expected)}"]
    worst = max(abs(a - e) for a, e in zip(actual, expected))
    if not worst <= float(parts[2]):
        return [f"{actual_path} differs from {expected_path} by up to {worst:.3g} (tolerance {parts[2]})"]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--finai", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("test_file")
    args = ap.parse_args()
    with open(args.test_file, encoding="utf-8") as f:
        cases = parse_cases(f.read())
    failures = 0
    with tempfile.TemporaryDirectory(prefix="finai-golden-") as tmp:
        for case in cases:
            subst = lambda s: s.replace("{tmp}", tmp)
            run = [v for _, k, v in case if k == "run"]
            if len(run) != 1:
                raise SystemExit(f"line {case[0][0]}: each case needs exactly one 'run:'")
            argv = [args.finai] + [subst(a) for a in shlex.split(run[0])]
            # Each test file gets its own dataset cache, so runs never read entries left by other runs.
            env = dict(os.environ, FINAI_CACHE_DIR=os.path.join(tmp, "cache"))
            proc = subprocess.run(argv, cwd=args.source_dir, capture_output=True, text=True, errors="replace",
                                  timeout=300, env=env)
            problems = []
            expected_exit = 0
            for lineno, key, value in case:
                value = subst(value)
                if key == "run":
                    continue
                if key == "exit":
                    expected_exit = int(value)
                elif key == "stdout-contains" and value not in proc.stdout:
                    problems.append(f"line {lineno}: stdout lacks {value!r}")
                elif key == "stdout-not-contains" and value in proc.stdout:
                    problems.append(f"line {lineno}: stdout has {value!r}")
                elif key == "stderr-contains" and value not in proc.stderr:
                    problems.append(f"line {lineno}: stderr lacks {value!r}")
                elif key == "stderr-equals" and proc.stderr.strip() != value:
                    problems.append(f"line {lineno}: stderr is not {value!r}")
                elif key == "file-contains":
                    path, _, text = value.partition(" :: ")
                    try:
                        with open(path, encoding="utf-8", errors="replace") as f:
                            if text not in f.read():
                                problems.append(f"line {lineno}: {path} lacks {text!r}")
                    except OSError as e:
                        problems.append(f"line {lineno}: cannot read {path}: {e}")
                elif key == "csv-close":
                    problems += [f"line {lineno}: {p}" for p in csv_close(value, args.source_dir)]
                elif key not in ("exit", "stdout-contains", "stdout-not-contains", "stderr-contains",
                                 "stderr-equals", "file-contains", "csv-close"):
                    raise SystemExit(f"line {lineno}: unknown key {key!r}")
            if proc.returncode != expected_exit:
                problems.append(f"exit code {proc.returncode}, expected {expected_exit}")
            status = "ok  " if not problems else "FAIL"
            print(f"{status} finai {run[0]}")
            if problems:
                failures += 1
                for p in problems:
                    print("     " + p)
                print("     --- stdout ---\n" + proc.stdout[-3000:] + "\n     --- stderr ---\n" + proc.stderr[-3000:])
    print(f"{len(cases) - failures} of {len(cases)} cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
