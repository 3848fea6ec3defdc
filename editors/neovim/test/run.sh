#!/usr/bin/env bash
# Headless Neovim test of editors/neovim/gonotes.lua against a real `gonotes lsp`.
#
#   editors/neovim/test/run.sh
#
# Needs: nvim (Debian 12's `neovim` package, 0.7.2, is enough) and a built server.
# Installs nothing. The server is $GONOTES_SERVER, else target/release/gonotes, else
# target/debug/gonotes (relative to the repository root).
# Prints one line per check, then `N passed, M failed` as the last line; exits non-zero
# when anything failed.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

fail_early() {
  echo "not ok - $1"
  echo "0 passed, 1 failed"
  exit 1
}

if ! command -v nvim >/dev/null 2>&1; then
  fail_early "nvim not found (apt-get install -y neovim)"
fi

server="${GONOTES_SERVER:-}"
if [ -z "$server" ]; then
  for candidate in "$root/target/release/gonotes" "$root/target/debug/gonotes"; do
    if [ -x "$candidate" ]; then
      server="$candidate"
      break
    fi
  done
fi
if [ -z "$server" ] || [ ! -x "$server" ]; then
  fail_early "gonotes server not found (set GONOTES_SERVER or build target/release/gonotes)"
fi
server="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/gonotes-nvim-test.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
if [ "${GONOTES_TEST_KEEP:-}" = "1" ]; then
  echo "# keeping $tmp"
else
  trap cleanup EXIT
fi

# The Go project the test opens: a module, a file that imports runtime under an
# alias, and a notes folder of its own (passed to the server through `notes.paths`).
proj="$tmp/proj"
mkdir -p "$proj/mynotes"
cat >"$proj/go.mod" <<'EOF'
module example.com/fixture

go 1.21
EOF
cat >"$proj/main.go" <<'EOF'
package main

import (
	"fmt"
	rt "runtime"
	"strings"
)

func main() {
	rt.Gosched()
	fmt.Println("hello")
	_ = strings.Repeat("ab", 3)
}
EOF
cat >"$proj/mynotes/fixture-notes.md" <<'EOF'
# strings

## strings.Repeat

strings.Repeat 把字符串重复 n 次 GONOTES-FIXTURE-MARKER
EOF

# Keep Neovim's and the server's state out of $HOME: lsp.log, the built-in notes copy.
export XDG_CONFIG_HOME="$tmp/xdg/config"
export XDG_DATA_HOME="$tmp/xdg/data"
export XDG_STATE_HOME="$tmp/xdg/state"
export XDG_CACHE_HOME="$tmp/xdg/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"

export GONOTES_REPO="$root"
export GONOTES_SERVER="$server"
export GONOTES_PROJECT="$proj"
export GONOTES_RESULT="$tmp/result"
export GONOTES_LOG="${GONOTES_LOG:-info}"

echo "# nvim: $(nvim --version | head -n 1)"
echo "# server: $server (modified $(date -r "$server" '+%Y-%m-%d %H:%M:%S'))"

cd "$proj" || fail_early "cannot enter $proj"
# `timeout` is only a backstop: every wait inside init.lua is bounded on its own.
timeout 300 nvim --headless --clean -u "$here/init.lua" "$proj/main.go"
status=$?

passed=0
failed=0
if [ -f "$GONOTES_RESULT" ]; then
  read -r passed failed <"$GONOTES_RESULT"
else
  echo "not ok - nvim ended (exit $status) before writing its results"
  failed=1
fi

if [ "$failed" != "0" ]; then
  for log in $(find "$tmp/xdg" -name 'lsp.log' 2>/dev/null); do
    echo "# ---- last lines of $log"
    tail -n 40 "$log" | sed 's/^/# /'
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" = "0" ] && [ "$passed" != "0" ]
