#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz", clang) and runs each for SECONDS (default 30) from a copy of its
# seed corpus in a temporary directory, so the committed corpus does not grow. Fails if any target crashes,
# leaks, trips a sanitizer, times out on one input, or throws anything but a finai::Error; the input that did
# it is left in build/fuzz/artifacts/.
#   fuzz/run.sh [SECONDS]       environment: FUZZ_JOBS (build jobs, default 2), FUZZ_TARGETS (default all)
set -euo pipefail

seconds="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# target -> seed corpus folder
declare -A corpus=([csv_reader_fuzzer]=csv [schema_fuzzer]=schema [dataset_cache_fuzzer]=dataset_cache
                   [band_spec_fuzzer]=band_spec [scorecard_fuzzer]=scorecard [binning_spec_fuzzer]=binning_spec
                   [master_scale_fuzzer]=master_scale [recourse_spec_fuzzer]=recourse_spec)
all_targets="csv_reader_fuzzer schema_fuzzer dataset_cache_fuzzer band_spec_fuzzer scorecard_fuzzer"
all_targets+=" binning_spec_fuzzer master_scale_fuzzer recourse_spec_fuzzer"
targets="${FUZZ_TARGETS:-$all_targets}"

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1  # as scripts/build.sh
cmake --preset fuzz >/dev/null
# shellcheck disable=SC2086  # the target list is meant to split into words
cmake --build --preset fuzz --parallel "${FUZZ_JOBS:-2}" --target $targets

bin="$root/build/fuzz/fuzz"
artifacts="$root/build/fuzz/artifacts"
mkdir -p "$artifacts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=()
for target in $targets; do
  if [[ ! -x "$bin/$target" ]]; then
    echo "== $target: not built, skipped"
    continue
  fi
  dir="$work/$target"
  mkdir -p "$dir"
  seeds="$root/fuzz/corpus/${corpus[$target]:-$target}"
  if [[ -d "$seeds" ]]; then cp -r "$seeds/." "$dir/"; fi
  echo "== $target: ${seconds}s from $(find "$dir" -type f | wc -l) seeds"
  log="$work/$target.log"
  # -timeout: one input may take at most 10 s; -rss_limit_mb: a reader must not allocate absurdly.
  if "$bin/$target" "$dir" -max_len=4096 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$target-" >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^Done [0-9]+ runs" "$log" || true
  else
    tail -n 60 "$log"
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]} (inputs in $artifacts)"
  exit 1
fi
echo "all fuzz targets ran ${seconds}s without a failure"
