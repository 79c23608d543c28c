#!/usr/bin/env bash
# All tests: installs what finai needs (Debian packages), builds the dev preset and runs every unit and
# end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev
ctest --preset dev --parallel "$(nproc)"
