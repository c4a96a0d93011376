"""The Windows smoke suite: the win-x64 sidecar under Wine supervises a win-x64 console backend.

It speaks the protocol (protocol/README.md) over stdio as any client does: initialize with a configuration naming the
smoke backend (a TCP listener, tests/WindowsSmoke/SmokeBackend) with a tcp health check; start; running; crash it and
see it come back with a new pid; stop it through the ladder (CTRL_BREAK, then TerminateJobObject); shutdown; and
nothing of it is left. Wine runs on a private WINEPREFIX under a temp folder, whose wineserver is ended at the end.

Environment: WINE_SMOKE_SIDECAR (folder of backend-sidecar.exe), WINE_SMOKE_BACKEND (folder of smoke-backend.exe), both
published for win-x64 (test.sh does it); WINE (default: wine). Every wait is bounded.
"""
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "scripts"))
from sidecar_client import SidecarClient, SidecarError  # noqa: E402

SIDECAR_DIR = os.environ.get("WINE_SMOKE_SIDECAR", "")
BACKEND_DIR = os.environ.get("WINE_SMOKE_BACKEND", "")
WINE = os.environ.get("WINE", "wine")
#: Wine starts slowly (a fresh prefix, then .NET's start-up under emulation of nothing but still a lot of DLLs).
START_TIMEOUT = 90.0
STEP_TIMEOUT = 60.0


def windows_path(path):
    """Wine's Z: drive is the Unix root."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unix_pids(name):
    """PIDs of live Unix processes whose command line mentions `name` (Wine shows a Windows program by its path)."""
    out = subprocess.run(["ps", "-eo", "pid=,stat=,args="], capture_output=True, text=True, check=False).stdout
    pids = []
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and name in parts[2] and not parts[1].startswith("Z"):
            pids.append(int(parts[0]))
    return pids


class WineSidecarClient(SidecarClient):
    """SidecarClient without parentPid: our Unix pid means nothing to a Windows process under Wine."""

    def open(self):
        import threading
        argv = self.command + ["--framing", "ndjson", "--log-level", self.log_level]
        self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         bufsize=0, env=self.env)
        for target in (self._read_stdout, self._read_stderr):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        params = {"protocolVersion": "1.1", "clientInfo": {"name": "wine-smoke", "version": "0.1.0"}}
        if getattr(self, "parent_pid", None) is not None:
            params["parentPid"] = self.parent_pid
        self.initialize_result = self._request("initialize", params, timeout=START_TIMEOUT)
        return self


@unittest.skipUnless(SIDECAR_DIR and BACKEND_DIR, "WINE_SMOKE_SIDECAR and WINE_SMOKE_BACKEND are not set")
class WindowsSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.mkdtemp(prefix="wine-smoke-")
        cls.env = dict(os.environ, WINEPREFIX=os.path.join(cls.temp, "prefix"), WINEDEBUG="-all",
                       WINEDLLOVERRIDES="mshtml=", XDG_STATE_HOME=os.path.join(cls.temp, "state"),
                       XDG_RUNTIME_DIR=os.path.join(cls.temp, "run"), DOTNET_CLI_TELEMETRY_OPTOUT="1",
                       # .NET maps JIT code twice (write, execute) through shared memory; under Wine that mapping
                       # fails (Internal CLR error in DynamicMethod finalizers), so the test turns W^X off.
                       DOTNET_EnableWriteXorExecute="0")
        os.makedirs(cls.env["XDG_RUNTIME_DIR"], mode=0o700)
        # The prefix is made once here (wineboot), so that the first request's timeout does not pay for it.
        subprocess.run([WINE, "wineboot", "--init"], env=cls.env, capture_output=True, timeout=START_TIMEOUT, check=False)

    @classmethod
    def tearDownClass(cls):
        wineserver = shutil.which("wineserver") or "/usr/lib/wine/wineserver"
        subprocess.run([wineserver, "-k"], env=cls.env, capture_output=True, timeout=30, check=False)
        subprocess.run([wineserver, "-w"], env=cls.env, capture_output=True, timeout=30, check=False)
        shutil.rmtree(cls.temp, ignore_errors=True)

    def setUp(self):
        self.port = free_port()
        config = {"backends": {"smoke": {
            "command": windows_path(os.path.join(BACKEND_DIR, "smoke-backend.exe")),
            "args": ["${port}", "spawn"],
            "cwd": windows_path(self.temp),
            "port": self.port,
            "health": {"tcp": "127.0.0.1:${port}", "startupTimeoutMs": 60000, "intervalMs": 500, "timeoutMs": 2000,
                       "failureThreshold": 3},
            "restart": {"policy": "on-failure", "maxRestarts": 3, "windowMs": 600000,
                        "backoff": {"initialMs": 100, "factor": 1, "maxMs": 100, "jitter": 0}},
            "stop": {"signal": "SIGTERM", "timeoutMs": 5000},
        }}}
        self.config_path = os.path.join(self.temp, "smoke.json")
        with open(self.config_path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        self.stderr = []
        client = WineSidecarClient(
            [WINE, os.path.join(SIDECAR_DIR, "backend-sidecar.exe"), "--config", windows_path(self.config_path)],
            log_level="information", stderr=self.stderr_line)
        client.env = self.env
        self.client = client

    def stderr_line(self, line):
        self.stderr.append(line)
        if os.environ.get("WINE_SMOKE_VERBOSE"):
            print("  sidecar: " + line, file=sys.stderr, flush=True)

    def tearDown(self):
        self.client.close(timeout=STEP_TIMEOUT)
        if self.client.returncode is None:
            self.client._kill()

    def wait_state(self, events, state, pid_not=None, timeout=STEP_TIMEOUT):
        """The first statusChanged of `state` (with a pid other than `pid_not`), within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(f"no statusChanged to {state} within {timeout} s; sidecar stderr:\n" + "\n".join(self.stderr[-30:]))
            try:
                event = events.get(timeout=left)
            except queue.Empty:
                continue
            self.assertIsNotNone(event, "the sidecar exited:\n" + "\n".join(self.stderr[-30:]))
            params = event["params"]
            if event["method"] == "statusChanged" and params["state"] == state and (pid_not is None or params["pid"] != pid_not):
                return params

    def poke(self, text):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(text.encode())
            try:
                return s.recv(16).decode()
            except OSError:
                return ""

    def wait_count(self, name, count, timeout=15.0):
        """Waits until `count` processes named `name` run; returns how many do at the end."""
        deadline = time.monotonic() + timeout
        while len(unix_pids(name)) != count and time.monotonic() < deadline:
            time.sleep(0.2)
        return len(unix_pids(name))

    def attached_status(self):
        """`backend-sidecar status --json` in a second Wine process: it attaches through the named pipe."""
        command = [WINE, os.path.join(SIDECAR_DIR, "backend-sidecar.exe"), "status", "--json",
                   "--config", windows_path(self.config_path)]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=START_TIMEOUT, check=False)
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
        return json.loads(done.stdout)

    def test_start_crash_restart_stop_shutdown(self):
        self.client.open()
        events = self.client.listen()
        status = self.client._request("start", {"backend": "smoke", "wait": True}, timeout=START_TIMEOUT)
        self.assertEqual("running", status["state"], status)
        first_pid = status["pid"]
        self.assertIsInstance(first_pid, int)
        self.assertEqual("ok\n", self.poke("hello"))
        # The backend and the grandchild it starts, both in the backend's job.
        self.assertEqual(2, self.wait_count("smoke-backend.exe", 2), "the backend and its grandchild should run")

        self.poke("crash")
        again = self.wait_state(events, "running", pid_not=first_pid)
        self.assertNotEqual(first_pid, again["pid"])
        self.assertGreaterEqual(again["restartCount"], 1)
        self.assertEqual(3, again["lastExit"]["code"], again["lastExit"])
        self.assertEqual("ok\n", self.poke("hello"))
        # The first run's grandchild went with its job: two processes again, not three.
        self.assertEqual(2, self.wait_count("smoke-backend.exe", 2), "the crashed run's grandchild is left")

        # A second client, through the attach endpoint (a named pipe on Windows), sees the same backend.
        attached = self.attached_status()
        backends = attached["backends"] if isinstance(attached, dict) and "backends" in attached else attached
        smoke = [b for b in backends if b.get("backend") == "smoke"]
        self.assertEqual(1, len(smoke), attached)
        self.assertEqual(again["pid"], smoke[0]["pid"])

        stopped = self.client._request("stop", {"backend": "smoke", "wait": True}, timeout=STEP_TIMEOUT)
        self.assertEqual("stopped", stopped["state"], stopped)
        self.assertIsNone(stopped["pid"])
        last_exit = stopped["lastExit"]
        self.assertIsNone(last_exit["signal"], last_exit)
        print(f"\n  stop: lastExit {last_exit}", file=sys.stderr)
        # The log names Windows' ladder, not POSIX signals: CTRL_BREAK, then the job's termination.
        entries = self.client._request("logs", {"backend": "smoke", "tail": 50}, timeout=STEP_TIMEOUT)["entries"]
        stop_lines = [e["text"] for e in entries if e["stream"] == "sidecar" and e["text"].startswith("stopping -> stopped")]
        self.assertTrue(stop_lines, entries)
        print(f"  stop: {stop_lines[-1]}", file=sys.stderr)
        self.assertRegex(stop_lines[-1], r"after CTRL_BREAK|killed with TerminateJobObject after")
        self.assertEqual(0, self.wait_count("smoke-backend.exe", 0), "a smoke-backend process outlived the stop")
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()

        self.client.close(timeout=STEP_TIMEOUT)
        self.assertEqual(0, self.client.returncode, "\n".join(self.stderr[-30:]))
        self.assertEqual(0, self.wait_count("smoke-backend.exe", 0), "a smoke-backend process is left")

    def test_killed_sidecar_leaves_no_backend(self):
        """Containment: the kill-on-close job ends with the sidecar's handles, even when it is killed without warning."""
        self.client.open()
        status = self.client._request("start", {"backend": "smoke", "wait": True}, timeout=START_TIMEOUT)
        self.assertEqual("running", status["state"], status)
        self.assertEqual(2, self.wait_count("smoke-backend.exe", 2), "the backend and its grandchild should run")

        self.client._process.kill()  # SIGKILL to the sidecar's Wine process: no chance to clean up
        self.client._process.wait(timeout=STEP_TIMEOUT)
        self.assertEqual(0, self.wait_count("smoke-backend.exe", 0), "a smoke-backend process outlived the killed sidecar")

    def start_windows_process(self, port):
        """A smoke backend started by Wine directly (not by the sidecar); returns it and its Windows PID."""
        process = subprocess.Popen([WINE, os.path.join(BACKEND_DIR, "smoke-backend.exe"), str(port)], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(process.stdout.close)
        self.addCleanup(process.wait, STEP_TIMEOUT)
        self.addCleanup(process.kill)
        first_line = process.stdout.readline()  # "listening on 127.0.0.1:PORT as pid N" (bounded: the kill above)
        self.assertIn("listening", first_line)
        return process, int(first_line.rsplit(" ", 1)[1])

    def test_parent_death_stops_everything(self):
        """initialize.parentPid names a Windows process; when it dies the sidecar stops its backends and exits 0."""
        parent, parent_pid = self.start_windows_process(free_port())
        self.client.parent_pid = parent_pid
        self.client.open()
        status = self.client._request("start", {"backend": "smoke", "wait": True}, timeout=START_TIMEOUT)
        self.assertEqual("running", status["state"], status)

        parent.kill()
        parent.wait(timeout=STEP_TIMEOUT)
        self.client._process.wait(timeout=STEP_TIMEOUT)
        self.assertEqual(0, self.client.returncode, "\n".join(self.stderr[-30:]))
        self.assertEqual(0, self.wait_count("smoke-backend.exe", 0), "a smoke-backend process outlived the sidecar")

    def test_port_in_use_names_its_windows_owner(self):
        """A port held by another Windows process fails the start with -32015 (onPortInUse: fail, the default), its owner
        from GetExtendedTcpTable."""
        _, windows_pid = self.start_windows_process(self.port)
        self.client.open()
        with self.assertRaises(SidecarError) as raised:
            self.client._request("start", {"backend": "smoke", "wait": True}, timeout=START_TIMEOUT)
        self.assertEqual(-32015, raised.exception.code, raised.exception)
        data = raised.exception.data
        print(f"\n  port in use: {data}", file=sys.stderr)
        self.assertEqual(self.port, data["port"])
        # Wine 8's TCP table gives every listener owner PID 0 (Windows' "unknown"), which reads as null; on Windows
        # it is the squatter's PID and image name.
        self.assertIn(data["pid"], (None, windows_pid), data)
        if data["pid"] is not None:
            self.assertEqual("smoke-backend.exe", data["processName"], data)


if __name__ == "__main__":
    unittest.main(verbosity=2)
