#!/usr/bin/env bash
# gonotes' relevance benchmark in one command:
#   bash bench/relevance.sh [--vaults DIR] [--vault NAME]... [--cli-only] [--loo] [--json FILE]
# Installs what it needs (Debian's golang-go and golang-1.19-src), builds target/release/gonotes
# (unless GONOTES_BIN names a binary) and the go/types harness bench/gotypes, then runs
# bench/relevance.py. Method and options: bench/README.md, section "Relevance".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAULTS="$(dirname "$ROOT")/shared/vaults"
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --vaults) VAULTS="${2:?--vaults needs a folder}"; shift 2 ;;
    --vaults=*) VAULTS="${1#--vaults=}"; shift ;;
    --vault|--json) PASS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --cli-only|--loo|--vault=*|--json=*) PASS+=("$1"); shift ;;
    -h|--help)
      cat <<EOF
usage: bash bench/relevance.sh [--vaults DIR] [--vault NAME]... [--cli-only] [--loo] [--json FILE]
  --vaults DIR   the labelled collections and their cases.json (default: $VAULTS)
  --vault NAME   only this collection (repeatable)
  --cli-only     only \`gonotes lookup\`, no LSP hovers (no Go needed)
  --loo          also leave-one-collection-out over bench/relevance-grid.json (GONOTES_TUNE)
  --json FILE    also write every figure, spot and failure as JSON
environment: GONOTES_BIN=PATH uses that binary instead of building target/release/gonotes;
             GONOTES_TUNE=name=value,... is passed to gonotes in the CLI and LSP modes.
EOF
      exit 0 ;;
    *) echo "relevance.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "[relevance.sh] $*" >&2; }

if [ ! -f "$VAULTS/cases.json" ]; then
  say "no labelled collections at $VAULTS (cases.json missing): pass --vaults DIR"
  exit 1
fi

CLI_ONLY=0
for a in "${PASS[@]+"${PASS[@]}"}"; do [ "$a" = --cli-only ] && CLI_ONLY=1; done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v python3 >/dev/null || { say "installing python3"; apt_install python3; }

# 1. Go and the standard library's sources (the LSP mode hovers in them)
if [ "$CLI_ONLY" = 0 ]; then
  if ! command -v go >/dev/null || [ ! -d /usr/lib/go-1.19/src/net/http ]; then
    say "installing golang-go golang-1.19-src"
    apt_install golang-go golang-1.19-src
  fi
fi

# 2. the gonotes binary
if [ -n "${GONOTES_BIN:-}" ]; then
  BIN="$GONOTES_BIN"
  [ -x "$BIN" ] || { say "GONOTES_BIN=$BIN is not an executable"; exit 1; }
else
  BIN="$ROOT/target/release/gonotes"
  say "cargo build --release"
  (cd "$ROOT" && cargo build --release --quiet)
fi

# 3. the go/types harness (standard library only, its own go.mod)
GOTYPES="$ROOT/target/relevance/gotypes"
if [ "$CLI_ONLY" = 0 ]; then
  mkdir -p "$ROOT/target/relevance"
  (cd "$ROOT/bench/gotypes" && nice -n 10 go build -o "$GOTYPES" .)
fi

# 4. measure
exec nice -n 10 python3 "$ROOT/bench/relevance.py" --bin "$BIN" --vaults "$VAULTS" --gotypes "$GOTYPES" \
  "${PASS[@]+"${PASS[@]}"}"
