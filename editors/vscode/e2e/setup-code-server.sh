#!/usr/bin/env bash
# Installs code-server (VS Code's workbench and extension host, served to a browser) from the npm
# registry alone into a cache folder, so the extension can be tested in a real VS Code.
#
# Usage: e2e/setup-code-server.sh [DIR]     (default: editors/vscode/.e2e/code-server)
# Then:  node DIR/node_modules/code-server/out/node/entry.js ...
#
# Needs (Debian): build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev
# libsecret-1-dev ripgrep. Nothing is downloaded from outside the npm registry:
#  - install scripts are skipped (one of them downloads ripgrep from elsewhere); Debian's `rg`
#    takes its place;
#  - the few native modules are rebuilt against the headers Debian's nodejs ships
#    (npm_config_nodedir=/usr), never downloaded ones;
#  - node_modules.asar is a link to node_modules.
# Does nothing when the same version is already installed in DIR. Takes 2-4 minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../.e2e/code-server}
version=${CODE_SERVER_VERSION:-4.100.3}
stamp="$dir/.installed-$version"
if [ -f "$stamp" ]; then
  echo "code-server $version already installed in $dir"
  exit 0
fi
command -v rg >/dev/null || { echo "setup-code-server: ripgrep (rg) is missing: apt-get install ripgrep" >&2; exit 1; }
[ -f /usr/include/node/node.h ] || { echo "setup-code-server: Node headers missing in /usr/include/node (Debian's nodejs / libnode-dev)" >&2; exit 1; }
node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || { echo "setup-code-server: node-gyp not found beside npm ($node_gyp)" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
export npm_config_nodedir=/usr
export npm_config_update_notifier=false
npm init -y >/dev/null
echo "setup-code-server: npm install code-server@$version"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$version"
(cd node_modules/argon2 && ../.bin/node-pre-gyp install --fallback-to-build >/dev/null)
cd node_modules/code-server/lib/vscode
echo "setup-code-server: npm install (lib/vscode)"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
for m in kerberos node-pty @vscode/spdlog; do
  echo "setup-code-server: rebuilding $m"
  (cd "node_modules/$m" && node "$node_gyp" rebuild --nodedir=/usr >/dev/null)
done
ln -sfn node_modules node_modules.asar
echo "setup-code-server: npm install (lib/vscode/extensions)"
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
touch "$stamp"
echo "code-server $version ready in $dir/node_modules/code-server"
