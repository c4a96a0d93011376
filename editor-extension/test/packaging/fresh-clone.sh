#!/usr/bin/env bash
# The packaging commands of the READMEs, run exactly as written in a fresh clone of this checkout:
# every fenced block that follows a `<!-- commands: packaging -->` line, in README.md then
# editor-extension/README.md, each block in one bash from the clone's root (a `cd` holds for the rest of its block).
# A line that starts with `code ` (installing into VS Code, which is not here) is shown, not run.
# Then it checks that a .vsix resulted whose sidecar is a NativeAOT linux-x64 executable that answers, and that the
# win-x64 and osx-arm64 packages hold a Windows and a macOS (arm64) sidecar.
#
#   editor-extension/test/packaging/fresh-clone.sh      (./test.sh runs it)
#
# It clones HEAD: commit first, uncommitted changes are not in the clone. The npm and NuGet caches are
# shared with this machine's (only the downloads are saved: restore, build and publish run in full).
# The last line reads "N passed, N failed"; the exit code is 0 only when nothing failed.
set -uo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild node or build server may outlive the run (they would hold the deleted clone's files).
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false
export npm_config_prefer_offline=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
STEP_TIMEOUT=${PACKAGING_TEST_TIMEOUT:-2400} # a hang guard: a loaded 2-core machine once needed over 20 minutes

passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() { printf '\n%d passed, %d failed\n' "$passed" "$failed"; [ "$failed" = 0 ]; exit; }

clone=$(mktemp -d "${TMPDIR:-/tmp}/backend-sidecar-clone-XXXXXX")
trap 'rm -rf "$clone"' EXIT
started=$SECONDS
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "note: $repo has uncommitted changes; the clone has HEAD ($(git -C "$repo" rev-parse --short HEAD)) only"
fi
if git clone --quiet --no-hardlinks "$repo" "$clone/repo"; then
  ok "git clone of $repo ($(git -C "$clone/repo" rev-parse --short HEAD))"
else
  not_ok "git clone of $repo"
  finish
fi
work=$clone/repo

# The blocks after `<!-- commands: packaging -->`, one command line per output line, separated by a line "--".
blocks() {
  awk '/^<!-- commands: packaging -->$/ {want = 1; next}
       want && /^```/ {if (inside) {print "--"; want = 0; inside = 0} else inside = 1; next}
       inside {print}' "$1"
}

# README.md's linux-x64 publish first: the extension's linux-x64 publish then reuses its build (seconds), whereas after the
# win-x64 and osx-arm64 restores it would build again from scratch (50 s here).
for readme in README.md editor-extension/README.md; do
  script=$(blocks "$work/$readme")
  if [ -z "$script" ]; then
    not_ok "$readme has no block marked <!-- commands: packaging -->"
    continue
  fi
  while IFS= read -r -d $'\x1e' block; do
    [ -n "${block//[$'\n ']/}" ] || continue
    runnable=$(printf '%s\n' "$block" | sed -E 's/^(code .*)$/: not run here: \1/')
    printf '\n== %s, in %s:\n%s\n' "$readme" "$work" "$block"
    t=$SECONDS
    if (cd "$work" && timeout "$STEP_TIMEOUT" bash -euo pipefail -c "$runnable"); then
      ok "$readme: $(printf '%s' "$block" | sed -E 's/ *#.*//' | paste -sd ';' | sed 's/;/; /g') ($((SECONDS - t)) s)"
    else
      not_ok "$readme: the block ending in '$(printf '%s' "$block" | tail -n 1)' failed ($((SECONDS - t)) s)"
      finish # what follows builds on it
    fi
  done < <(printf '%s\n' "$script" | awk '$0 == "--" {printf "\x1e"; next} {print}')
done

# What the extension README promises: editor-extension/backend-sidecar.vsix, with the NativeAOT sidecar.
vsix=$work/editor-extension/backend-sidecar.vsix
unpacked=$clone/vsix
if [ -f "$vsix" ] && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$vsix" "$unpacked"; then
  ok "the .vsix exists ($(du -h "$vsix" | cut -f1))"
else
  not_ok "no readable $vsix"
  finish
fi
sidecar_dir=$unpacked/extension/sidecar
sidecar=$sidecar_dir/backend-sidecar
if [ -f "$sidecar" ] && [ "$(head -c 4 "$sidecar" | od -An -c | tr -d ' ')" = '177ELF' ]; then
  ok "extension/sidecar/backend-sidecar is an ELF executable ($(du -h "$sidecar" | cut -f1))"
else
  not_ok "extension/sidecar/backend-sidecar is missing or not an ELF executable"
  finish
fi
# NativeAOT: one native executable that exports the runtime's debug header, and no managed assemblies or
# CoreCLR beside it (a ReadyToRun publish has both; a single-file one has no such export).
managed=$(find "$sidecar_dir" -name '*.dll' -o -name 'libcoreclr.so' | head -n 3)
if grep -q DotNetRuntimeDebugHeader "$sidecar" && [ -z "$managed" ]; then
  ok "the sidecar is NativeAOT (DotNetRuntimeDebugHeader, no .dll or libcoreclr.so beside it)"
else
  not_ok "the sidecar is not NativeAOT${managed:+: found $managed}"
fi
# It answers initialize with no .NET anywhere in reach (no dotnet on PATH, no DOTNET_ROOT). The host waits for the
# answer before its next request, as the contract asks (a request sent earlier is refused with -32002).
chmod +x "$sidecar"
coproc SIDECAR { cd "$clone" && exec env -i PATH=/usr/bin:/bin HOME="$clone" timeout 30 "$sidecar" serve --log-level warning 2>"$clone/sidecar.err"; }
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1.0","clientInfo":{"name":"packaging-test"},"config":{"backends":{}}}}' >&"${SIDECAR[1]}"
IFS= read -r -t 30 answer <&"${SIDECAR[0]}"
printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"shutdown"}' '{"jsonrpc":"2.0","method":"exit"}' >&"${SIDECAR[1]}"
IFS= read -r -t 30 shutdown_answer <&"${SIDECAR[0]}"
wait "$SIDECAR_PID"
status=$?
if [ "$status" = 0 ] && printf '%s' "$answer" | grep -q '"serverInfo":{"name":"backend-sidecar"' && [ "$shutdown_answer" = '{"jsonrpc":"2.0","id":2,"result":null}' ]; then
  ok "the packaged sidecar answers initialize and shutdown, and exits 0, without .NET installed"
else
  not_ok "the packaged sidecar did not answer as expected (exit $status): $answer $shutdown_answer $(tail -n 5 "$clone/sidecar.err")"
fi

# The other platforms' packages (the block for win-x64 and osx-arm64): the right sidecar for each, by its format.
check_sidecar() { # vsix, path in it, expected first bytes (hex), what
  local bytes
  bytes=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).open(sys.argv[2]).read(8).hex())' "$1" "$2" 2>/dev/null)
  if [ "${bytes:0:${#3}}" = "$3" ]; then
    ok "$(basename "$1") holds $2, $4 ($(du -h "$1" | cut -f1))"
  else
    not_ok "$(basename "$1") has no $4 at $2 (first bytes: ${bytes:-none})"
  fi
}
check_sidecar "$work/editor-extension/backend-sidecar-win32-x64.vsix" extension/sidecar/backend-sidecar.exe 4d5a "a Windows executable (MZ)"
check_sidecar "$work/editor-extension/backend-sidecar-darwin-arm64.vsix" extension/sidecar/backend-sidecar cffaedfe0c000001 \
  "a 64-bit Mach-O executable for arm64"

echo "packaging from a fresh clone took $((SECONDS - started)) s"
finish
