#!/usr/bin/env bash
# CI for the VS Code extension, on a bare Debian 12 machine (root, registries only):
# Debian packages, npm ci, typecheck, lint, unit tests, package (.vsix with the release server),
# code-server setup, end-to-end test in code-server + Chromium.
# The repository's .ci/run calls this after the Rust tests, so target/release/gonotes usually
# exists already; `npm run package` builds it only when it is missing.
# Prints how long each step took; exits non-zero at the first failing step.
set -euo pipefail
cd "$(dirname "$0")"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

timings=()
step() {
  local name=$1
  shift
  echo "::: vscode ci: $name"
  local t0=$SECONDS rc=0
  "$@" || rc=$?
  local took=$((SECONDS - t0))
  timings+=("$(printf '%-12s %4ss' "$name" "$took")")
  echo "::: vscode ci: $name took ${took}s"
  if [ $rc -ne 0 ]; then
    echo "::: vscode ci: $name FAILED (exit $rc)"
    printf '  %s\n' "${timings[@]}"
    exit $rc
  fi
}

apt_packages=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  ripgrep chromium fonts-wqy-microhei fonts-noto-color-emoji)
apt_step() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "all Debian packages present"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "vscode ci: missing Debian packages (${missing[*]}); run as root or install them" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
}

node_check() {
  command -v node >/dev/null && command -v npm >/dev/null || { echo "vscode ci: node and npm are needed (Node.js 20+)" >&2; return 1; }
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "vscode ci: Node.js 20+ is needed (code-server 4.100, ESLint 9); found $(node --version)" >&2; return 1; }
  echo "node $(node --version), npm $(npm --version)"
}

step apt apt_step
step node node_check
# Install scripts are not needed (esbuild finds its binary in @esbuild/linux-x64; keytar, an
# optional dependency of vsce for publishing, would try to download a prebuilt binary).
step npm-ci npm ci --ignore-scripts --no-audit --no-fund
step typecheck npm run typecheck
step lint npm run lint
step unit-tests npm test
step package npm run package
step code-server bash e2e/setup-code-server.sh
e2e_step() {
  mkdir -p .e2e
  npm run e2e 2>&1 | tee .e2e/e2e.log
  return "${PIPESTATUS[0]}"
}
step e2e e2e_step

echo "::: vscode ci: all steps passed"
printf '  %s\n' "${timings[@]}"
# the end-to-end test's own closing line, last, for whoever reads the closing line
tail -n 1 .e2e/e2e.log
