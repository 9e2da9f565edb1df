#!/usr/bin/env bash
# Installs what Samen needs to build and test on Debian 12, and nothing when it is all there.
# Sourced by run.sh and test.sh; safe to run on its own.
set -euo pipefail

SAMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SAMEN_ROOT
# ccache hits across checkouts in different folders (paths are hashed relative to the source).
export CCACHE_BASEDIR="$SAMEN_ROOT" CCACHE_NOHASHDIR=1

SAMEN_DEB_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config git ca-certificates clang-format
    libboost1.81-dev libsqlite3-dev sqlite3 nlohmann-json3-dev catch2 libsodium-dev libbenchmark-dev
    libsimdjson-dev
    libcmark-gfm-dev libcmark-gfm-extensions-dev libjemalloc-dev
    clang libfuzzer-14-dev
    nodejs npm
    chromium fonts-dejavu-core
    pandoc weasyprint poppler-utils unzip libreoffice-writer-nogui hyphen-nl
)

samen_missing_packages() {
    local missing=()
    for p in "${SAMEN_DEB_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # A newer Node.js than Debian's may already be installed outside dpkg; keep it.
    if command -v node >/dev/null && command -v npm >/dev/null; then
        local filtered=()
        for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
        missing=("${filtered[@]}")
    fi
    echo "${missing[@]}"
}

samen_install_packages() {
    local missing
    missing="$(samen_missing_packages)"
    if [[ -n "$missing" ]]; then
        echo "setup: installing Debian packages: $missing"
        if [[ $(id -u) -ne 0 ]]; then
            echo "setup: run as root (or install these packages yourself)" >&2
            exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing
    fi
}

# npm packages for one folder with a package-lock.json, installed only when the lockfile changed.
samen_npm_ci() {
    local dir="$1"
    local stamp="$dir/node_modules/.samen-lock"
    if [[ ! -f "$stamp" ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
        echo "setup: npm ci in ${dir#"$SAMEN_ROOT"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
        cp "$dir/package-lock.json" "$stamp"
    fi
}

samen_build() {
    local preset="$1"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
}

# The web client's bundle (client/web/dist), which samen-server serves at /.
samen_build_web() {
    local web="$SAMEN_ROOT/client/web"
    [[ -f "$web/package.json" ]] || return 0
    echo "== build: web client"
    (cd "$web" && npm run --silent build)
}

samen_setup() {
    samen_install_packages
    for lock in "$SAMEN_ROOT"/tests/*/package-lock.json "$SAMEN_ROOT"/client/web/package-lock.json; do
        [[ -f "$lock" ]] && samen_npm_ci "$(dirname "$lock")"
    done
    return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    samen_setup
fi
