#!/usr/bin/env bash
# The main job on the bundled real data: installs what finai needs (Debian packages), builds it, and
# profiles the credit data set against its default flag. Grows with each capability of the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
finai=build/release/bin/finai
"$finai" version
echo
echo "== Profile of data/credit_data.csv against Status (bad = default) =="
"$finai" profile data/credit_data.csv --schema data/credit_data.schema.json
