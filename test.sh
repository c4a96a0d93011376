#!/usr/bin/env bash
# The one command that runs every test: C# (xunit), TypeScript (mocha), the script examples (Python unittest),
# the editor's end-to-end test, and the packaging commands of the READMEs in a fresh clone.
# It installs what it needs first (dotnet restore, a C toolchain for NativeAOT, npm ci). The end-to-end tests drive
# the sidecar as it ships: the NativeAOT binary this script publishes to artifacts/sidecar (BACKEND_SIDECAR_PATH).
# The last line reads "N passed, N failed".
#
#   ./test.sh                  everything
#   SKIP_E2E=1 ./test.sh       everything but the VS Code end-to-end test (it installs code-server and Chromium)
#   SKIP_PACKAGING=1 ./test.sh everything but the fresh-clone packaging test (a full restore, build and publish)
#   SKIP_WINE=1 ./test.sh      everything but the Windows smoke suite under Wine (installs wine64, a win-x64 publish)
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

passed=0 failed=0
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
step() { printf '\n== %s\n' "$*"; }
fail_step() { echo "FAILED: $*" >&2; echo "$*" >> "$results/failures.txt"; failed=$((failed + 1)); }
# Each suite's failed test names, gathered so that the end of the output (all a CI log may keep) says what failed.
note_failures() { sed -n "$1" "$2" 2>/dev/null | sed "s/^/$3: /" | head -n 20 >> "$results/failures.txt"; }
# One C# test project: dotnet_test NAME PROJECT [more dotnet test options, e.g. a filter]; a .trx report named NAME,
# the end of the output on screen. count_trx NAME then adds its counts and its failed tests' names.
dotnet_test() {
  local name=$1 project=$2; shift 2
  dotnet test "$project" -c Release --no-build --nologo "$@" --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" -- xUnit.ParallelizeTestCollections=true 2>&1 | tee "$results/$name.log" | grep -vE '^\s*$' | tail -n 40
}
count_trx() {
  local name=$1 trx="$results/$1.trx" p f
  if [ -f "$trx" ]; then
    p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
    f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    # The failed tests' names, for the list printed before the totals.
    [ "${f:-0}" = 0 ] || grep -o '<UnitTestResult [^>]*outcome="Failed"' "$trx" | grep -o 'testName="[^"]*"' \
      | sed -E "s/^testName=\"(.*)\"$/$name: \1/" | head -n 20 >> "$results/failures.txt"
  else
    fail_step "$name produced no results"
  fi
}

step "dotnet restore and build"
if ! dotnet build BackendSidecar.sln -c Release -warnaserror --nologo -v quiet -clp:NoSummary; then
  fail_step "the build"
  printf '\n%d passed, %d failed\n' "$passed" "$failed"
  exit 1
fi

# The machine's own runtime identifier: NativeAOT builds for the OS it runs on (.github/workflows/test.yml runs this
# script on macOS and Windows runners too; here and in CI it is Linux).
case "$(uname -s)-$(uname -m)" in
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  MINGW* | MSYS* | CYGWIN*) rid=win-x64 ;;
  *) rid=linux-x64 ;;
esac
exe=backend-sidecar; [ "${rid%%-*}" = win ] && exe=backend-sidecar.exe
on_linux=0; [ "${rid%%-*}" = linux ] && on_linux=1

step "NativeAOT publish ($rid): the shipped sidecar, which the end-to-end tests below drive"
# NativeAOT links with the platform's C toolchain: clang, or gcc (ILCompiler falls back to it); install clang if neither.
if [ "$on_linux" = 1 ] && ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
  echo "no clang or gcc: installing clang (apt-get)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq clang >/dev/null
fi
# The README's publish command; -warnaserror: a trim or AOT warning fails it.
if dotnet publish src/BackendSidecar -c Release -r "$rid" -o artifacts/sidecar -warnaserror --nologo -v quiet -clp:NoSummary \
  && [ -x "artifacts/sidecar/$exe" ]; then
  export BACKEND_SIDECAR_PATH="$PWD/artifacts/sidecar/$exe"
  echo "BACKEND_SIDECAR_PATH=$BACKEND_SIDECAR_PATH"
else
  fail_step "the NativeAOT publish (the end-to-end tests run against the dotnet build output instead)"
fi

step "lsof and ps: the POSIX platform's tools (its tests below run on Linux too)"
if [ "$on_linux" = 1 ] && { ! command -v lsof >/dev/null || ! command -v ps >/dev/null; }; then
  echo "installing lsof and procps (apt-get)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq lsof procps >/dev/null
fi

step "C# tests"
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet_test "$name" "$project"
  count_trx "$name"
done

if [ -f package.json ]; then
  step "npm ci"
  if npm ci --no-fund --no-audit; then
    step "TypeScript tests"
    # The C# end-to-end tests above wrote tests/transcripts; an empty folder must fail, not pass unchecked.
    REQUIRE_TRANSCRIPTS=1 npm run --silent test:ts 2>&1 | tee "$results/ts.log"
    status=${PIPESTATUS[0]}
    p=$(grep -Eo '[0-9]+ passing' "$results/ts.log" | awk '{s+=$1} END {print s+0}')
    f=$(grep -Eo '[0-9]+ failing' "$results/ts.log" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p)); failed=$((failed + f))
    # mocha prints "  1) suite" then "       test:" under "N failing".
    [ "$f" = 0 ] || awk '/ failing$/ { on = 1 } on && /^  [0-9]+\) / { s = $0; getline t; gsub(/^ +| +$/, "", s); gsub(/^ +|:$/, "", t); print "mocha: " s " " t }' \
      "$results/ts.log" | head -n 20 >> "$results/failures.txt"
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then fail_step "the TypeScript test run"; fi
  else
    fail_step "npm ci"
  fi
fi

# On Linux the POSIX platform is forced for a second run; elsewhere it is the default, so the first run was it.
if [ "$on_linux" = 1 ]; then
  step "C# end-to-end tests again on the POSIX platform (BACKEND_SIDECAR_PLATFORM=posix: the macOS logic, run on Linux)"
  # After the TypeScript tests: they validate the transcripts of the first run, which this run would replace.
  BACKEND_SIDECAR_PLATFORM=posix dotnet_test BackendSidecar.Tests.posix tests/BackendSidecar.Tests/BackendSidecar.Tests.csproj \
    --filter "FullyQualifiedName~.EndToEnd.|FullyQualifiedName~.Attach.|FullyQualifiedName~.RunCommandTests."
  count_trx BackendSidecar.Tests.posix
fi

step "Script examples (python3 -m unittest: sidecar_client.py and sidecar.sh)"
if command -v python3 >/dev/null; then
  PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s examples/scripts -p 'test_*.py' -v 2>&1 | tee "$results/scripts.log"
  status=${PIPESTATUS[0]}
  # unittest ends with "Ran N tests" then "OK", "OK (skipped=S)" or "FAILED (failures=F, errors=E, skipped=S)".
  ran=$(grep -Eo '^Ran [0-9]+ test' "$results/scripts.log" | tail -1 | tr -dc 0-9)
  summary=$(grep -E '^(OK|FAILED)( \(.*\))?$' "$results/scripts.log" | tail -1)
  f=$(printf '%s' "$summary" | grep -Eo '(failures|errors)=[0-9]+' | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
  s=$(printf '%s' "$summary" | grep -Eo 'skipped=[0-9]+' | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${ran:-0} - f - s)); failed=$((failed + f))
  note_failures '/^\(FAIL\|ERROR\): /p' "$results/scripts.log" python
  if [ "$status" != 0 ] && [ "$f" = 0 ]; then fail_step "the script examples' test run"; fi
else
  fail_step "python3 is missing (the script examples' tests need it)"
fi

# Before the Wine suite: its win-x64 publish re-restores the sidecar's projects, after which the e2e's own linux
# publish (npm run package) would build from scratch instead of reusing the one above.
if [ "${SKIP_E2E:-0}" = 1 ]; then
  step "VS Code end-to-end test: skipped (SKIP_E2E=1)"
else
  step "VS Code end-to-end test (editor-extension/test/e2e)"
  node editor-extension/test/e2e/run.mjs 2>&1 | tee "$results/e2e.log"
  status=${PIPESTATUS[0]}
  counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$results/e2e.log" | tail -n 1)
  if [ -n "$counts" ]; then
    p=${counts%% passed*}; f=${counts#*passed, }; f=${f%% failed}
    passed=$((passed + p)); failed=$((failed + f))
    note_failures '/^FAIL /p' "$results/e2e.log" e2e
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then fail_step "the end-to-end test run (exit $status)"; fi
  else
    fail_step "the end-to-end test printed no result (exit $status)"
  fi
fi

if [ "${SKIP_WINE:-0}" = 1 ] || [ "$on_linux" = 0 ]; then
  step "Windows smoke suite under Wine: skipped (SKIP_WINE=1, or not Linux)"
else
  step "Windows smoke suite under Wine (tests/WindowsSmoke/run.sh: win-x64 sidecar and backend)"
  tests/WindowsSmoke/run.sh 2>&1 | tee "$results/wine.log"
  status=${PIPESTATUS[0]}
  ran=$(grep -Eo '^Ran [0-9]+ test' "$results/wine.log" | tail -1 | tr -dc 0-9)
  summary=$(grep -E '^(OK|FAILED)( \(.*\))?$' "$results/wine.log" | tail -1)
  f=$(printf '%s' "$summary" | grep -Eo '(failures|errors)=[0-9]+' | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
  s=$(printf '%s' "$summary" | grep -Eo 'skipped=[0-9]+' | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
  if [ -n "$ran" ]; then
    passed=$((passed + ran - f - s)); failed=$((failed + f))
    note_failures '/^\(FAIL\|ERROR\): /p' "$results/wine.log" wine
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then fail_step "the Windows smoke suite (exit $status)"; fi
  else
    fail_step "the Windows smoke suite ran no test (exit $status)"
  fi
fi

if [ "${SKIP_PACKAGING:-0}" = 1 ]; then
  step "Packaging from a fresh clone: skipped (SKIP_PACKAGING=1)"
else
  step "Packaging from a fresh clone: the READMEs' commands (editor-extension/test/packaging/fresh-clone.sh)"
  editor-extension/test/packaging/fresh-clone.sh 2>&1 | tee "$results/packaging.log"
  status=${PIPESTATUS[0]}
  counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$results/packaging.log" | tail -n 1)
  if [ -n "$counts" ]; then
    p=${counts%% passed*}; f=${counts#*passed, }; f=${f%% failed}
    passed=$((passed + p)); failed=$((failed + f))
    note_failures '/^not ok /p' "$results/packaging.log" packaging
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then fail_step "the packaging test run (exit $status)"; fi
  else
    fail_step "the packaging test printed no result (exit $status)"
  fi
fi

if [ -s "$results/failures.txt" ]; then
  step "What failed"
  cat "$results/failures.txt"
fi
printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
