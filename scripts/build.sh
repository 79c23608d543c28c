#!/usr/bin/env bash
# Configures and builds one CMake preset (release, dev, asan, fuzz): scripts/build.sh PRESET [TARGET...]
# (all targets when none is named).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (when CMake found it): paths relative to the checkout, so any clone of the repository hits the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
preset="${1:-release}"
shift || true
targets=()
if [ "$#" -gt 0 ]; then targets=(--target "$@"); fi
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel "$(nproc)" "${targets[@]}"
