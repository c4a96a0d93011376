#!/usr/bin/env bash
# Installs what the editor end-to-end test needs: a real, headless VS Code (code-server, which
# is VS Code's server and web workbench), Debian's Chromium, and playwright-core to drive it.
# Only apt and the npm registry are used.
#
#   bash install.sh [DIR]
#
# DIR: $BACKEND_SIDECAR_E2E_DIR, else ${XDG_CACHE_HOME:-~/.cache}/backend-sidecar-e2e.
# Idempotent and cached: a finished install writes DIR/.install-ok holding the pinned versions,
# and a rerun that finds it returns at once. Concurrent runs wait for each other (flock).
#
# code-server's own postinstall cannot run here: @vscode/ripgrep's install script downloads rg
# from GitHub. So the packages are installed with --ignore-scripts and that postinstall is redone
# by hand, with Debian's rg placed where @vscode/ripgrep looks first (its script skips the
# download when node_modules/@vscode/ripgrep/bin/ exists). The native modules are then built by
# node-gyp against the local node headers.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3      # VS Code 1.100.3; the last code-server line that runs on node 20
PLAYWRIGHT_CORE_VERSION=1.65.1
STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION"
APT_PACKAGES=(chromium ripgrep build-essential python3 pkg-config libkrb5-dev libxkbfile-dev
              libsecret-1-dev libx11-dev fonts-dejavu-core)

DIR="${1:-${BACKEND_SIDECAR_E2E_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backend-sidecar-e2e}}"
CS="$DIR/node_modules/code-server"
start=$SECONDS
say() { printf '[install %3ds] %s\n' $((SECONDS - start)) "$*"; }
die() { echo "install failed: $*" >&2; exit 1; }
# Runs a noisy step with its output in a log file; on failure shows the end of it.
quiet() {
  local name=$1; shift
  "$@" > "$DIR/$name.log" 2>&1 || { tail -n 40 "$DIR/$name.log" >&2; die "$name (log: $DIR/$name.log)"; }
}

installed() {
  [ "$(cat "$DIR/.install-ok" 2>/dev/null)" = "$STAMP" ] && [ -f "$CS/out/node/entry.js" ] \
    && [ -x /usr/bin/chromium ] && [ -x "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]
}

node_major=$(node -p 'process.versions.node.split(".")[0]') || die "node is not on PATH"
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs node 20, found $(node -v)"

mkdir -p "$DIR"
exec 9> "$DIR/.install.lock"
flock 9
if installed; then say "already installed in $DIR ($STAMP)"; exit 0; fi
rm -f "$DIR/.install-ok"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  say "apt-get install ${missing[*]}"
  quiet apt-update "${sudo[@]}" apt-get update -q
  quiet apt-install env DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
rg=$(command -v rg) || die "ripgrep is not on PATH"

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export JOBS=max                     # node-gyp: compile in parallel
[ -d /usr/include/node ] && export npm_config_nodedir=/usr   # build against local headers, no download

cd "$DIR"
[ -f package.json ] || echo '{"name": "backend-sidecar-e2e-runtime", "private": true}' > package.json
say "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION"
quiet npm-install npm install --save-exact --ignore-scripts --omit=dev \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
say "build argon2 (code-server loads it at startup)"
quiet build-argon2 env npm_config_build_from_source=true npm rebuild argon2

cd "$CS/lib/vscode"
say "lib/vscode: npm install from its shrinkwrap"
quiet vscode-install npm install --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$rg" node_modules/@vscode/ripgrep/bin/rg
say "lib/vscode: build the native modules"
# node-pty's install script runs `npx node-gyp ...`; npm_config_yes lets npx fetch it.
quiet vscode-rebuild env npm_config_yes=true npm rebuild
# The links code-server's postinstall.sh makes.
ln -sfn node_modules node_modules.asar
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh
say "lib/vscode/extensions: npm install (built-in extensions' dependencies)"
(cd extensions && quiet extensions-install npm install --omit=dev)

say "smoke test"
quiet smoke-native node -e '
  for (const m of ["node-pty", "@vscode/spdlog", "@parcel/watcher", "native-watchdog", "kerberos"]) require(m);
  require("fs").accessSync(require("@vscode/ripgrep").rgPath, require("fs").constants.X_OK);'
(cd "$DIR" && quiet smoke-driver node -e 'require("argon2"); require("playwright-core")')
quiet smoke-version env XDG_CONFIG_HOME="$DIR/.smoke/config" XDG_DATA_HOME="$DIR/.smoke/data" \
  node "$CS/out/node/entry.js" --version
rm -rf "$DIR/.smoke"
echo "$STAMP" > "$DIR/.install-ok"
say "installed in $DIR ($STAMP, $(head -c 40 "$DIR/smoke-version.log" | head -1))"
