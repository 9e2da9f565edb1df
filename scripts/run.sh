#!/usr/bin/env bash
# Sets up, builds and starts samen-server with its demo data on http://127.0.0.1:8080/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
samen_setup
cd "$SAMEN_ROOT"
samen_build_web
samen_build release
exec build/release/server/app/samen-server --demo "$@"
