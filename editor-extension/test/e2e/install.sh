#!/usr/bin/env bash
# Installs what the editor end-to-end test needs: a real, headless VS Code (code-server, which is
# VS Code's server and web workbench), Debian's headless Chromium, and playwright-core to drive it.
# Only apt and the npm registry are used.
#
#   bash install.sh [DIR]
#
# DIR: $BACKEND_SIDECAR_E2E_DIR, else ${XDG_CACHE_HOME:-~/.cache}/backend-sidecar-e2e.
# Idempotent and cached: a finished install writes DIR/.install-ok holding the pinned versions, and
# a rerun that finds it returns at once. Concurrent runs wait for each other (flock). Every step's
# output goes to DIR/<step>.log; a failed step prints the end of its log and exits non-zero.
#
# code-server's own postinstall cannot run here: @vscode/ripgrep's install script downloads rg from
# GitHub. So the packages are installed with --ignore-scripts and that postinstall is redone by
# hand: Debian's rg goes where @vscode/ripgrep looks for it, and node-gyp builds the server's native
# modules against the local node headers (kerberos is left out: VS Code loads it only for Kerberos
# proxy authentication, and it would need libkrb5-dev).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3      # VS Code 1.100.3; the last code-server line that runs on node 20
PLAYWRIGHT_CORE_VERSION=1.65.1
STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION"
APT_PACKAGES=(chromium-headless-shell ripgrep build-essential python3 fonts-dejavu-core)
NATIVE_MODULES=(@vscode/spdlog node-pty native-watchdog @vscode/deviceid)   # the slowest first

DIR="${1:-${BACKEND_SIDECAR_E2E_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backend-sidecar-e2e}}"
CS="$DIR/node_modules/code-server"
VSCODE="$CS/lib/vscode"
start=$SECONDS
say() { printf '[install %3ds] %s\n' $((SECONDS - start)) "$*"; }
die() { echo "install failed: $*" >&2; exit 1; }
# Runs a step with its output in DIR/<name>.log; on failure shows the end of that log.
step() {
  local name=$1; shift
  "$@" > "$DIR/$name.log" 2>&1 || { tail -n 30 "$DIR/$name.log" >&2; die "$name (log: $DIR/$name.log)"; }
}

installed() {
  [ "$(cat "$DIR/.install-ok" 2>/dev/null)" = "$STAMP" ] && [ -f "$CS/out/node/entry.js" ] \
    && [ -x /usr/bin/chromium-headless-shell ] && [ -x "$VSCODE/node_modules/@vscode/ripgrep/bin/rg" ]
}

node_major=$(node -p 'process.versions.node.split(".")[0]') || die "node is not on PATH"
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs node 20, found $(node -v)"
command -v flock > /dev/null || die "flock (util-linux) is not on PATH"

mkdir -p "$DIR"
# On a failure, let the background jobs (apt, the compilers) finish rather than leave them behind or
# cut dpkg off in the middle.
trap 'status=$?; [ $status = 0 ] || wait; exit $status' EXIT
exec 9> "$DIR/.install.lock"
flock 9
if installed; then say "already installed in $DIR ($STAMP)"; exit 0; fi
rm -f "$DIR/.install-ok"

apt_install() {
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -q || echo "apt-get update failed: installing from the package lists at hand"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
apt_pid=
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]} (in the background)"
  apt_install "${missing[@]}" > "$DIR/apt.log" 2>&1 &
  apt_pid=$!
fi

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
cd "$DIR"
[ -f package.json ] || echo '{"name": "backend-sidecar-e2e-runtime", "private": true}' > package.json
say "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION"
step npm-install npm install --save-exact --ignore-scripts --omit=dev \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
say "npm install in lib/vscode (from its shrinkwrap)"
(cd "$VSCODE" && step vscode-install npm install --omit=dev --ignore-scripts)

# The native builds take the longest (spdlog alone ~30 s of CPU): they start now, all at once, while
# apt may still be busy, unless the compiler itself is one of the packages apt is bringing.
export JOBS=max                                   # node-gyp: use every core
# -O0: these modules serve a test editor, where their speed does not matter but compile time does
# (spdlog's two C++ files build ~30% faster).
export CFLAGS=-O0 CXXFLAGS=-O0
[ -d /usr/include/node ] && export npm_config_nodedir=/usr   # the local headers; nothing to download
node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || die "npm's bundled node-gyp is not at $node_gyp"
wait_for_apt() {
  [ -n "$apt_pid" ] || return 0
  say "waiting for apt-get"
  wait "$apt_pid" || { tail -n 30 "$DIR/apt.log" >&2; die "apt-get install ${missing[*]} (log: $DIR/apt.log)"; }
  apt_pid=
}
command -v g++ > /dev/null && command -v make > /dev/null || wait_for_apt
say "build native modules: argon2 (code-server loads it at startup), ${NATIVE_MODULES[*]}"
builds=()
(step build-argon2 env npm_config_build_from_source=true npm rebuild argon2) &
builds+=($!)
for m in "${NATIVE_MODULES[@]}"; do
  (cd "$VSCODE/node_modules/$m" && step "build-${m//\//-}" node "$node_gyp" rebuild) &
  builds+=($!)
done

say "npm install in lib/vscode/extensions (the built-in extensions' dependencies)"
(cd "$VSCODE/extensions" && step extensions-install npm install --omit=dev --ignore-scripts)
wait_for_apt
rg=$(command -v rg) || die "ripgrep is not on PATH"
say "waiting for the native builds"
for pid in "${builds[@]}"; do wait "$pid" || die "a native module did not build (see above)"; done

cd "$VSCODE"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$rg" node_modules/@vscode/ripgrep/bin/rg
# The links code-server's postinstall.sh makes.
ln -sfn node_modules node_modules.asar
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh

say "smoke test"
step smoke-native node -e '
  for (const m of ["node-pty", "@vscode/spdlog", "@parcel/watcher", "native-watchdog", "@vscode/deviceid"]) require(m);
  require("fs").accessSync(require("@vscode/ripgrep").rgPath, require("fs").constants.X_OK);'
(cd "$DIR" && step smoke-driver node -e 'require("argon2"); require("playwright-core")')
step smoke-version env XDG_CONFIG_HOME="$DIR/.smoke/config" XDG_DATA_HOME="$DIR/.smoke/data" \
  node "$CS/out/node/entry.js" --version
step smoke-browser /usr/bin/chromium-headless-shell --version
rm -rf "$DIR/.smoke"
echo "$STAMP" > "$DIR/.install-ok"
say "installed in $DIR: code-server $(tail -n 1 "$DIR/smoke-version.log" | cut -d' ' -f1), $(cat "$DIR/smoke-browser.log")"
