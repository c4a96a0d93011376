#!/usr/bin/env python3
"""A backend-sidecar client for Python scripts (standard library only, Python 3.8+).

It spawns the sidecar, speaks JSON-RPC 2.0 to it as newline-delimited JSON on stdin/stdout, and
returns the contract's result objects as dicts (protocol: protocol/README.md).

    from sidecar_client import SidecarClient, SidecarError

    with SidecarClient(["backend-sidecar"], "backends.json") as sidecar:
        status = sidecar.start("api")                # returns once the backend is running
        print(status["pid"], status["port"])
        print(sidecar.logs("api", tail=20)["entries"])
    # leaving the block: shutdown (every backend stopped gracefully), exit; killed if it hangs

`command` is the sidecar's argv; left out, it comes from the environment variable BACKEND_SIDECAR
(a shell-words command line, e.g. "dotnet run --project src/BackendSidecar --"), else
`backend-sidecar` on PATH. Errors from the sidecar raise SidecarError(code, message, data).

Command line: keep a backend running for the duration of a command, or check a configuration:

    python3 sidecar_client.py --config backends.json run api -- curl -s http://127.0.0.1:8882/health
    python3 sidecar_client.py --config backends.json check
"""
import argparse
import collections
import itertools
import json
import os
import queue
import shlex
import shutil
import subprocess
import sys
import threading

PROTOCOL_VERSION = "1.0"
CLIENT_NAME = "sidecar_client.py"
CLIENT_VERSION = "0.1.0"

#: The client's own code: the sidecar is gone (exited, or could not be spawned) before it answered.
#: It never travels on the wire (the TypeScript client uses the same one).
CONNECTION_CLOSED = -32097
#: The contract's code for a cancelled wait ($/cancelRequest), raised after Ctrl+C during a request.
REQUEST_CANCELLED = -32800

#: `run` exits with this when the backend could not be started (as `docker run` and `env` do for
#: their own failures), so that it is not mistaken for the command's exit code.
EXIT_NOT_STARTED = 125


class SidecarError(Exception):
    """An error answer of the sidecar (JSON-RPC error object), or CONNECTION_CLOSED."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message
        self.data = data


def default_command():
    """The sidecar's argv from BACKEND_SIDECAR, else backend-sidecar on PATH."""
    line = os.environ.get("BACKEND_SIDECAR", "").strip()
    if line:
        return shlex.split(line)
    found = shutil.which("backend-sidecar")
    if found:
        return [found]
    raise ValueError("no sidecar command: pass one, set BACKEND_SIDECAR, or put backend-sidecar on PATH")


class SidecarClient:
    """A running backend-sidecar. Use it as a context manager, or call open() and close().

    Thread-safe: requests may be sent from several threads; a reader thread matches answers to
    requests by id and hands notifications (statusChanged, log) to listeners, so notifications
    that arrive between answers are never lost or mistaken for answers.
    """

    def __init__(self, command=None, config_path=None, *, profile=None, log_level="warning", stderr=None):
        """
        command: the sidecar's argv (list); default: see default_command().
        config_path: the configuration file, sent in initialize (relative to the current folder).
        profile: a profile of the configuration (e.g. "production").
        log_level: the sidecar's stderr log level.
        stderr: called with each stderr line of the sidecar; default: written to this process's stderr.
        """
        self.command = list(command) if command is not None else default_command()
        self.config_path = os.path.abspath(config_path) if config_path is not None else None
        self.profile = profile
        self.log_level = log_level
        self.initialize_result = None
        self._stderr_line = stderr if stderr is not None else (lambda line: print(line, file=sys.stderr, flush=True))
        self._stderr_tail = collections.deque(maxlen=20)
        self._process = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # guards _pending, _listeners, _closed and writes to stdin
        self._pending = {}  # id -> queue.Queue receiving the response message
        self._listeners = []  # queue.Queue of notifications
        self._closed = False
        self._threads = []

    # --- lifecycle --------------------------------------------------------------------------

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc_info):
        self.close()
        return False

    def open(self):
        """Spawns the sidecar and sends initialize; returns self. Raises SidecarError on failure."""
        argv = self.command + ["--framing", "ndjson", "--log-level", self.log_level]
        try:
            self._process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        except OSError as error:
            raise SidecarError(CONNECTION_CLOSED, f"backend-sidecar could not be started: {error}",
                               {"command": argv}) from error
        for target in (self._read_stdout, self._read_stderr):
            thread = threading.Thread(target=target, name=f"sidecar-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        params = {"protocolVersion": PROTOCOL_VERSION,
                  "clientInfo": {"name": CLIENT_NAME, "version": CLIENT_VERSION},
                  "parentPid": os.getpid()}
        if self.config_path is not None:
            params["configPath"] = self.config_path
        if self.profile is not None:
            params["profile"] = self.profile
        try:
            self.initialize_result = self._request("initialize", params)
        except BaseException:
            self._kill()
            raise
        return self

    def close(self, timeout=15.0):
        """shutdown (stops every backend gracefully), exit, then SIGKILL if the sidecar is still
        running after `timeout` seconds. Give a timeout that covers the backends' stop.timeoutMs."""
        if self._process is None or self._process.poll() is not None:
            self._join()
            return
        try:
            self._request("shutdown", None, timeout=timeout)
            self._notify("exit")
        except SidecarError as error:
            # Any answer (even -32017, already shutting down) means exit is next; no answer means it is gone.
            if error.code != CONNECTION_CLOSED:
                self._notify("exit")
        except TimeoutError:
            pass  # Hanging: the wait below kills it.
        try:
            self._process.stdin.close()
            self._process.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            self._kill()
        self._join()

    @property
    def pid(self):
        """The sidecar's process ID."""
        return self._process.pid if self._process else None

    @property
    def returncode(self):
        """The sidecar's exit code once it exited (negative: killed by that signal), else None."""
        return self._process.poll() if self._process else None

    # --- the contract's requests --------------------------------------------------------------

    def start(self, backend=None, wait=True, args=None, env=None, secret_env=None, reset_overrides=None):
        """Starts a backend; with wait, returns its BackendStatus once it is running."""
        return self._request("start", _params(backend=backend, wait=wait, args=args, env=env,
                                              secretEnv=secret_env, resetOverrides=reset_overrides))

    def restart(self, backend=None, wait=True, args=None, env=None, secret_env=None, reset_overrides=None):
        """Restarts a backend (args/env/secret_env replace the current ones); returns its BackendStatus."""
        return self._request("restart", _params(backend=backend, wait=wait, args=args, env=env,
                                                secretEnv=secret_env, resetOverrides=reset_overrides))

    def stop(self, backend=None, timeout_ms=None, wait=True):
        """Stops a backend; with wait, returns its BackendStatus once its whole process group is gone."""
        return self._request("stop", _params(backend=backend, timeoutMs=timeout_ms, wait=wait))

    def status(self, backend=None):
        """{"backends": [BackendStatus, ...]}: one backend, or all of them."""
        return self._request("status", _params(backend=backend))

    def logs(self, backend=None, tail=200, after_seq=None, stream=None):
        """{"backend", "entries": [LogEntry, ...], "nextSeq", "truncated"}."""
        return self._request("logs", _params(backend=backend, tail=tail, afterSeq=after_seq, stream=stream))

    def subscribe(self, logs=True):
        """Turns log notifications on for every backend (True), none (False) or the named ones (a list)."""
        return self._request("subscribe", {"logs": logs})

    def diagnose(self, backend=None):
        """{"backend", "ok", "checks": [Check, ...]}; starts nothing."""
        return self._request("diagnose", _params(backend=backend))

    # --- notifications ------------------------------------------------------------------------

    def listen(self):
        """A queue that receives every notification from now on, as {"method", "params"} dicts.
        Stop with unlisten(queue). A None in the queue means the sidecar is gone."""
        listener = queue.Queue()
        with self._lock:
            self._listeners.append(listener)
        return listener

    def unlisten(self, listener):
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # --- JSON-RPC -----------------------------------------------------------------------------

    def _request(self, method, params, timeout=None):
        request_id = next(self._ids)
        answer = queue.Queue(maxsize=1)
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        with self._lock:
            if self._closed:
                raise self._connection_closed()
            self._pending[request_id] = answer
        try:
            self._write(message)
            try:
                response = answer.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"backend-sidecar did not answer {method} within {timeout} s") from None
            except KeyboardInterrupt:
                # Ctrl+C during a start/stop wait: tell the sidecar, which ends the wait (-32800).
                self._notify("$/cancelRequest", {"id": request_id})
                raise
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
        if response is None:
            raise self._connection_closed()
        if "error" in response:
            error = response["error"]
            raise SidecarError(error.get("code"), error.get("message", ""), error.get("data"))
        return response.get("result")

    def _notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)

    def _write(self, message):
        line = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            try:
                self._process.stdin.write(line)
                self._process.stdin.flush()
            except (OSError, ValueError):
                pass  # The sidecar is gone: the reader thread fails the pending requests.

    def _read_stdout(self):
        for raw in self._process.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue  # The contract puts only JSON-RPC on stdout; skip anything else.
            if not isinstance(message, dict):
                continue
            if "method" in message:
                notification = {"method": message["method"], "params": message.get("params")}
                with self._lock:
                    listeners = list(self._listeners)
                for listener in listeners:
                    listener.put(notification)
            else:
                with self._lock:
                    answer = self._pending.get(message.get("id"))
                if answer is not None:
                    answer.put(message)
        self._process.wait()
        with self._lock:
            self._closed = True
            pending, listeners = list(self._pending.values()), list(self._listeners)
        for answer in pending:
            answer.put(None)
        for listener in listeners:
            listener.put(None)

    def _read_stderr(self):
        for raw in self._process.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self._stderr_tail.append(line)
            try:
                self._stderr_line(line)
            except Exception:  # A failing callback must not stop the draining of stderr.
                pass

    def _connection_closed(self):
        code = self._process.poll() if self._process else None
        how = f"signal {-code}" if code is not None and code < 0 else f"code {code}"
        return SidecarError(CONNECTION_CLOSED, f"backend-sidecar exited ({how}) before answering",
                            {"pid": self.pid, "exitCode": code, "stderrTail": list(self._stderr_tail)})

    def _kill(self):
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self._join()

    def _join(self):
        for thread in self._threads:
            thread.join(timeout=5)
        if self._process is not None and self._process.poll() is not None:
            for pipe in (self._process.stdin, self._process.stdout, self._process.stderr):
                try:
                    pipe.close()
                except OSError:
                    pass


def _params(**values):
    """The params object: members left out (None) are not sent, so the sidecar's defaults apply."""
    return {key: value for key, value in values.items() if value is not None}


# --- command line -----------------------------------------------------------------------------

def run_command(client, backend, command):
    """Starts the backend (waiting until it runs), runs the command, stops the backend; returns
    the command's exit code (128 + N when a signal N ended it, as shells report it)."""
    try:
        status = client.start(backend)
    except SidecarError as error:
        print(f"sidecar_client: {backend or 'the backend'} did not start: {error}", file=sys.stderr)
        for line in (error.data or {}).get("lastLines") or []:
            print(f"  | {line}", file=sys.stderr)
        return EXIT_NOT_STARTED
    print(f"sidecar_client: {status['backend']} running (pid {status['pid']})", file=sys.stderr, flush=True)
    try:
        code = subprocess.call(command)
    except OSError as error:
        print(f"sidecar_client: cannot run {command[0]}: {error}", file=sys.stderr)
        code = 127
    finally:
        client.stop(backend)
    return 128 - code if code < 0 else code


def check(client, out=None):
    """Diagnoses every configured backend, prints the checks; returns 0 when all are ok, else 1."""
    out = out or sys.stdout
    all_ok = True
    for backend in client.initialize_result["backends"]:
        result = client.diagnose(backend["backend"])
        all_ok = all_ok and result["ok"]
        print(f"{result['backend']}: {'ok' if result['ok'] else 'NOT OK'}", file=out)
        for item in result["checks"]:
            mark = "ok" if item["ok"] else item["severity"]
            print(f"  {mark:<8} {item['id']}: {item['message']}", file=out)
    return 0 if all_ok else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description="Drive backend-sidecar from the command line.")
    parser.add_argument("--sidecar", help="the sidecar command line (default: $BACKEND_SIDECAR, else backend-sidecar)")
    parser.add_argument("--config", help="the configuration file")
    parser.add_argument("--profile", help="a profile of the configuration, e.g. production")
    parser.add_argument("--log-level", default="warning", help="the sidecar's stderr log level (default: warning)")
    commands = parser.add_subparsers(dest="action", required=True)
    run = commands.add_parser("run", help="start a backend, run a command, stop it; exit with the command's code")
    run.add_argument("backend", help="the backend to start")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command and its arguments")
    commands.add_parser("check", help="diagnose every backend; exit 1 if one is not ok")
    options = parser.parse_args(argv)

    command = shlex.split(options.sidecar) if options.sidecar else None
    try:
        with SidecarClient(command, options.config, profile=options.profile, log_level=options.log_level) as client:
            if options.action == "check":
                return check(client)
            program = options.command[1:] if options.command[:1] == ["--"] else options.command
            if not program:
                parser.error("run: give the command after --")
            return run_command(client, options.backend, program)
    except (SidecarError, ValueError) as error:
        print(f"sidecar_client: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
