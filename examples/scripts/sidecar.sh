#!/bin/sh
# sidecar.sh: drive backend-sidecar from a POSIX shell, one JSON message per line (NDJSON).
#
# Starts a backend and waits until it is running, prints its status as JSON, prints its last log
# lines (and, with -f, follows new ones for a while), then shuts the sidecar down, which stops
# every backend gracefully. No jq needed; progress goes to stderr, results to stdout.
#
#   sidecar.sh [-c CONFIG] [-b BACKEND] [-n LINES] [-f SECONDS]
#     -c CONFIG   the configuration file (default: examples/demo/backends.json next to this script)
#     -b BACKEND  the backend to start (default: api)
#     -n LINES    how many log lines to print (default: 10)
#     -f SECONDS  then follow the logs for this many seconds (default: 0)
#   BACKEND_SIDECAR  the sidecar command line (default: backend-sidecar on PATH)
#
# Exit code: 0, or 1 when the sidecar answered a request with an error (printed on stderr).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
config=$here/../demo/backends.json
backend=api
lines=10
follow=0
while getopts c:b:n:f: option; do
  case $option in
    c) config=$OPTARG ;;
    b) backend=$OPTARG ;;
    n) lines=$OPTARG ;;
    f) follow=$OPTARG ;;
    *) sed -n '8,13s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
sidecar=${BACKEND_SIDECAR:-backend-sidecar}

# Two FIFOs carry the session: we write requests into "in", the sidecar writes answers and
# notifications into "out". (bash has coproc for this; POSIX sh does not.)
dir=$(mktemp -d)
mkfifo "$dir/in" "$dir/out"
# $sidecar is unquoted on purpose: BACKEND_SIDECAR may hold a command and its arguments.
# shellcheck disable=SC2086
$sidecar --framing ndjson --log-level warning <"$dir/in" >"$dir/out" &
sidecar_pid=$!
exec 3>"$dir/in" 4<"$dir/out"

finish() {
  status=$?
  # Closing the sidecar's stdin is shutdown + exit (contract): it stops every backend, then exits.
  exec 3>&- 4<&-
  wait "$sidecar_pid" 2>/dev/null || true
  rm -rf "$dir"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf 'sidecar.sh: %s\n' "$*" >&2; }

# A top-level field of a status as text: "key":"value" or "key":number; empty for null. Good
# enough for the keys used here (backend, state, previousState, pid), which occur once per line.
field() { printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" | sed 's/^null$//'; }

# Prints each entry of a log notification or logs result as "stream text", one per line.
print_entries() {
  printf '%s\n' "$1" | awk '{
    n = split($0, parts, /\{"seq":/)
    for (i = 2; i <= n; i++) {
      p = parts[i]
      stream = substr(p, index(p, "\"stream\":\"") + 10); stream = substr(stream, 1, index(stream, "\"") - 1)
      text = substr(p, index(p, "\"text\":\"") + 8)
      if (match(text, /"\}(,|\])/)) text = substr(text, 1, RSTART - 1)
      # JSON writers may escape HTML-sensitive ASCII (System.Text.Json does by default): read those back too.
      gsub(/\\u003[Cc]/, "<", text); gsub(/\\u003[Ee]/, ">", text); gsub(/\\u0026/, "\\&", text)
      gsub(/\\u0027/, "'\''", text); gsub(/\\u002[Bb]/, "+", text); gsub(/\\u0060/, "`", text)
      gsub(/\\"/, "\"", text); gsub(/\\\\/, "\\", text)
      print stream " " text
    }
  }'
}

# Shows a notification: state changes on stderr, log lines (while following) on stdout.
show_notification() {
  case $1 in
    '{"jsonrpc":"2.0","method":"statusChanged"'*)
      pid=$(field "$1" pid)
      say "$(field "$1" backend): $(field "$1" previousState) -> $(field "$1" state)${pid:+ (pid $pid)}" ;;
    '{"jsonrpc":"2.0","method":"log"'*)
      if [ "$following" = 1 ]; then print_entries "$1"; fi ;;
  esac
}

# request ID METHOD PARAMS: sends a request and reads until its answer, which goes to $answer.
# The sidecar writes every message as '{"jsonrpc":"2.0",' then "id" or "method" first, so a
# prefix match tells answers from notifications without a JSON parser.
request() {
  printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}\n' "$1" "$2" "$3" >&3
  while IFS= read -r answer <&4; do
    case $answer in
      '{"jsonrpc":"2.0","id":'"$1"',"result":'*) return 0 ;;
      '{"jsonrpc":"2.0","id":'"$1"',"error":'*) say "$2 failed: $answer"; exit 1 ;;
      *) show_notification "$answer" ;;
    esac
  done
  say "the sidecar exited before answering $2"
  exit 1
}

# The answer's result, without the envelope.
result() { printf '%s\n' "$answer" | sed 's/^{"jsonrpc":"2.0","id":[0-9]*,"result"://; s/}$//'; }

following=0
request 1 initialize "{\"protocolVersion\":\"1.0\",\"clientInfo\":{\"name\":\"sidecar.sh\"},\"parentPid\":$$,\"configPath\":\"$config\"}"
say "initialized with $config"

request 2 start "{\"backend\":\"$backend\",\"wait\":true}"
say "$backend is running (pid $(field "$answer" pid))"

request 3 status "{\"backend\":\"$backend\"}"
result

request 4 logs "{\"backend\":\"$backend\",\"tail\":$lines}"
print_entries "$answer"

if [ "$follow" -gt 0 ]; then
  request 5 subscribe "{\"logs\":[\"$backend\"]}"
  say "following the logs of $backend for $follow s"
  following=1
  # A timer in the background sends a request when the time is up; its answer ends the loop.
  (sleep "$follow"; printf '{"jsonrpc":"2.0","id":6,"method":"subscribe","params":{"logs":false}}\n' >&3) &
  while IFS= read -r answer <&4; do
    case $answer in
      '{"jsonrpc":"2.0","id":6,'*) break ;;
      *) show_notification "$answer" ;;
    esac
  done
  following=0
fi

request 7 shutdown '{}'
say "shut down: every backend stopped"
printf '{"jsonrpc":"2.0","method":"exit"}\n' >&3
