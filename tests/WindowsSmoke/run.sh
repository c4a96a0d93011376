#!/usr/bin/env bash
# The Windows smoke suite under Wine (test_windows_smoke.py): installs Debian's wine when it is missing, publishes
# the sidecar and the smoke backend for win-x64 once, then runs the suite; its unittest summary is the last lines.
# Self-contained and not single-file: NativeAOT cannot compile for Windows on Linux, and Wine 8 cannot start a
# single-file .NET bundle (CoreCLR fails to load System.Private.CoreLib from it).
#
#   tests/WindowsSmoke/run.sh          WINE_SMOKE_OUT: where the builds go (artifacts/wine-smoke)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${WINE_SMOKE_OUT:-$PWD/artifacts/wine-smoke}

if ! command -v wine >/dev/null; then
  echo "no wine: installing wine and wine64 (apt-get)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq wine wine64 >/dev/null || exit 1
fi

publish() {
  dotnet publish "$1" -c Release -r win-x64 --self-contained -p:PublishAot=false -p:PublishSingleFile=false \
    -o "$2" -warnaserror --nologo -v quiet -clp:NoSummary
}
publish src/BackendSidecar "$out/sidecar" || { echo "FAILED: the win-x64 publish of the sidecar"; exit 1; }
publish tests/WindowsSmoke/SmokeBackend "$out/backend" || { echo "FAILED: the win-x64 publish of the smoke backend"; exit 1; }

WINE_SMOKE_SIDECAR="$out/sidecar" WINE_SMOKE_BACKEND="$out/backend" PYTHONDONTWRITEBYTECODE=1 \
  timeout 300 python3 -m unittest discover -s tests/WindowsSmoke -p 'test_*.py' -v
