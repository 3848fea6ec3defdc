#!/usr/bin/env bash
# gonotes' resolution benchmark in one command:
#   bash bench/resolve.sh [--per-class N] [--settle SECONDS]
# Builds target/release/gonotes (unless GONOTES_BIN names a binary) and the go/types harness
# bench/gotypes, lists the spots of the relevance benchmark's standard-library packages (cached
# in target/resolve/), then runs bench/resolve.py with the notes of bench/resolve-notes/.
# Needs Go (Debian's golang-go and golang-1.19-src). Method: bench/README.md, "Resolution".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[resolve.sh] $*" >&2; }
command -v go >/dev/null || { say "Go is needed (apt-get install golang-go golang-1.19-src)"; exit 1; }
if [ -n "${GONOTES_BIN:-}" ]; then
  BIN="$GONOTES_BIN"
else
  BIN="$ROOT/target/release/gonotes"
  say "cargo build --release"
  (cd "$ROOT" && nice -n 10 cargo build --release --quiet)
fi
mkdir -p "$ROOT/target/resolve"
GOTYPES="$ROOT/target/resolve/gotypes"
(cd "$ROOT/bench/gotypes" && nice -n 10 go build -o "$GOTYPES" .)
PKGS=$(python3 -c "import sys; sys.path.insert(0, '$ROOT/bench'); import relevance; print(' '.join(relevance.STD_PACKAGES))")
HASH=$( (cat "$ROOT"/bench/gotypes/*.go; echo "$PKGS"; go env GOROOT GOVERSION) | sha256sum | cut -c1-12)
TSV="$ROOT/target/resolve/std-$HASH.tsv"
if [ ! -s "$TSV" ]; then
  say "go/types over the standard library -> $TSV"
  # shellcheck disable=SC2086
  nice -n 10 "$GOTYPES" $PKGS > "$TSV.tmp" 2>/dev/null
  mv "$TSV.tmp" "$TSV"
fi
# Modules from Debian's golang-*-dev packages (sources under /usr/share/gocode/src, a GOPATH
# tree): application-like code whose imports are other modules. Read when installed.
GOCODE=/usr/share/gocode
MODULE_PKGS="github.com/gorilla/mux github.com/spf13/cobra github.com/prometheus/client_golang/prometheus
github.com/prometheus/client_golang/prometheus/promhttp github.com/go-chi/chi github.com/sirupsen/logrus"
CORPORA=(--tsv "std=$TSV")
missing=()
for p in $MODULE_PKGS; do [ -d "$GOCODE/src/$p" ] || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  MHASH=$( (cat "$ROOT"/bench/gotypes/*.go; echo "$MODULE_PKGS"; go env GOVERSION; ls -l --time-style=+%s -d $(for p in $MODULE_PKGS; do echo "$GOCODE/src/$p"; done)) | sha256sum | cut -c1-12)
  MTSV="$ROOT/target/resolve/modules-$MHASH.tsv"
  if [ ! -s "$MTSV" ]; then
    say "go/types over modules of $GOCODE -> $MTSV"
    # shellcheck disable=SC2086
    GOPATH="$GOCODE" GO111MODULE=off nice -n 10 "$GOTYPES" $MODULE_PKGS > "$MTSV.tmp" 2>/dev/null
    mv "$MTSV.tmp" "$MTSV"
  fi
  CORPORA+=(--tsv "modules=$MTSV")
else
  say "modules corpus skipped: not installed: ${missing[*]}"
  say "  (apt-get install golang-github-gorilla-mux-dev golang-github-spf13-cobra-dev golang-github-prometheus-client-golang-dev golang-github-go-chi-chi-dev golang-github-sirupsen-logrus-dev)"
fi
# gonotes finds the modules' imports in the GOPATH tree, as `go build` in GOPATH mode would
export GOPATH="$GOCODE"
exec nice -n 10 python3 "$ROOT/bench/resolve.py" --bin "$BIN" "${CORPORA[@]}" "$@"
