#!/usr/bin/env bash
# Installs every Debian 12 package finai needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt; safe to run on every build.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config ccache      # ccache: CI rebuilds only what changed
  clang libclang-rt-14-dev libomp-dev          # libFuzzer targets and sanitizer runtimes
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev time
  # libraries used by the engine
  libeigen3-dev libboost-math-dev libboost-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libfast-float-dev libxxhash-dev libsqlite3-dev libnlopt-dev
  libglpk-dev                                 # exact LP of the fairness reduction's randomized classifier
  # independent references the tests and benchmarks compare against
  python3 python3-numpy python3-pandas python3-scipy python3-sklearn python3-xgboost python3-statsmodels
  r-base-core r-cran-fgarch r-cran-tseries r-cran-actuar
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
