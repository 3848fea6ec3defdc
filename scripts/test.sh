#!/usr/bin/env bash
# The whole test suite, on a bare Debian 12 machine as on a developer's: installs what the tests
# need (Debian packages, npm packages), then runs the Rust tests (the core's data-driven cases and
# the server over stdio), the short soak run, a short run of each fuzz target, the Neovim headless
# test and the VS Code extension's tests, ending with its end-to-end test in a real VS Code
# (code-server + Chromium).
#   GONOTES_SKIP_EDITORS=1  runs the Rust tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

need_apt=()
command -v nvim >/dev/null || need_apt+=(neovim)
if [ ${#need_apt[@]} -gt 0 ] && [ -z "${GONOTES_SKIP_EDITORS:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: missing Debian packages: ${need_apt[*]} (run as root, or install them)" >&2
    exit 1
  fi
fi

echo "::: rust: cargo nextest run --workspace"
if command -v cargo-nextest >/dev/null; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

if [ -n "${GONOTES_SKIP_EDITORS:-}" ]; then
  exit 0
fi

echo "::: release server for the editors' tests"
cargo build --release --quiet
export GONOTES_SERVER="$PWD/target/release/gonotes"

echo "::: soak (short form; the full form: python3 scripts/soak.py)"
python3 scripts/soak.py --short --seed 1

echo "::: fuzz targets, a short bounded run of each (long runs: fuzz/README.md)"
bash fuzz/run-short.sh

echo "::: neovim headless"
bash editors/neovim/test/run.sh

echo "::: vscode extension"
bash editors/vscode/ci.sh
