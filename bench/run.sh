#!/usr/bin/env bash
# The benchmark command: publishes the sidecar as it ships (NativeAOT), compiles bench-backend, runs the scenarios,
# and writes bench/results/latest.md and latest.json. Arguments go to the harness:
#
#   bench/run.sh                      every scenario, full iterations (3 to 4 minutes, plus the publish)
#   bench/run.sh --quick              fewer iterations, 10 s idle period (about 1 minute): a fast check
#   bench/run.sh --r2r                the same against a self-contained ReadyToRun build, for comparison
#                                     (results in bench/results/latest-r2r.*)
#   bench/run.sh crash restart        only these scenarios
#   bench/run.sh --list               the scenarios
#   bench/run.sh --no-publish ...     reuse the sidecar published by an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench -c Release --nologo -v quiet -clp:NoSummary >&2
exec bench/bin/Release/net10.0/sidecar-bench "$@"
