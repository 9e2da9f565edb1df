#!/usr/bin/env bash
# Sets up, builds (optimised and with sanitizers) and runs every test of Samen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
samen_setup
cd "$SAMEN_ROOT"

echo "== format"
bash scripts/check-format.sh
samen_build_web

echo "== build: release"
samen_build release
echo "== tests: release"
ctest --preset release -j2

echo "== build: asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
samen_build asan
echo "== tests: asan"
ctest --preset asan -j2

echo "== all tests passed"
