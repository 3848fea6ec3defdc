#!/usr/bin/env bash
# The benchmark of issue 5 in one command:  bash bench/run.sh [--notes N] [--seed S] [--rebuild] ...
# Installs what it measures against (Debian's golang-1.19-src; gopls and golang-go when they can
# be had), builds target/release/gonotes when missing (or with --rebuild) and the bench binary,
# then prints the table and writes it to bench/last-run.txt. Options: see `--help` below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="$ROOT/target"
GO_SRC=/usr/share/go-1.19/src

REBUILD=0
PASS=()
for a in "$@"; do
  case "$a" in
    --rebuild) REBUILD=1 ;;
    -h|--help)
      echo "usage: bash bench/run.sh [--rebuild] [--notes N] [--seed S] [--hovers N] [--rewrites N]"
      echo "                         [--index-runs N] [--no-gopls] [--gopls-timeout S] [--vault-dir DIR]"
      echo "  --rebuild   cargo build --release the server even when target/release/gonotes exists"
      exit 0 ;;
    *) PASS+=("$a") ;;
  esac
done

say() { echo "[run.sh] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=0
apt_install() { # apt_install PKG...: installs, returns non-zero when it cannot
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# 1. the Go sources to hover in (required)
if [ ! -f "$GO_SRC/runtime/proc.go" ] || [ ! -f "$GO_SRC/net/http/server.go" ]; then
  say "installing golang-1.19-src (the Go files to hover in)"
  apt_install golang-1.19-src || { say "cannot install golang-1.19-src: no Go files to hover in"; exit 1; }
fi

# 2. gopls and the go command (optional: the comparison is skipped without them)
GOPLS_NOTE=""
if ! command -v gopls >/dev/null || ! command -v go >/dev/null; then
  if apt-cache policy gopls 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "installing gopls and golang-go for the comparison"
    apt_install gopls golang-go || GOPLS_NOTE="apt-get install gopls golang-go failed"
  else
    GOPLS_NOTE="no gopls package available (apt-cache policy gopls)"
  fi
fi
if ! command -v gopls >/dev/null || ! command -v go >/dev/null; then
  say "proceeding WITHOUT gopls: ${GOPLS_NOTE:-gopls or go missing}"
  PASS+=(--no-gopls)
fi

# 3. builds: wait while someone else compiles on this machine (cargo locks the target dir
#    anyway; waiting keeps our timings and theirs apart). `pgrep -x` matches process names:
#    `pgrep -f` would also match any process whose command line mentions ~/.cargo.
wait_for_builds() {
  while pgrep -x 'rustc|cargo' >/dev/null; do
    say "another cargo/rustc is running ($(pgrep -x 'rustc|cargo' | wc -l) processes); waiting 30 s"
    sleep 30
  done
}

if [ "$REBUILD" = 1 ] || [ ! -x "$ROOT/target/release/gonotes" ]; then
  wait_for_builds
  say "cargo build --release (the server)"
  (cd "$ROOT" && cargo build --release --quiet)
fi
wait_for_builds
say "cargo build --release (the bench)"
cargo build --release --quiet --manifest-path "$ROOT/bench/Cargo.toml"

# 4. measure (waiting first for builds started meanwhile)
wait_for_builds
exec "$CARGO_TARGET_DIR/release/gonotes-bench" --gonotes "$ROOT/target/release/gonotes" \
  --go-src "$GO_SRC" --out "$ROOT/bench/last-run.txt" "${PASS[@]}"
