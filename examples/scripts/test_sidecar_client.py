"""sidecar_client.py against the real backend-sidecar and the demo backend (python3 -m unittest)."""
import json
import os
import queue
import shlex
import shutil
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

from sidecar_client import CONNECTION_CLOSED, EXIT_NOT_STARTED, SidecarClient, SidecarError
from sidecar_test_support import HERE, UNEXPECTED, DemoConfig, free_port, is_alive, sidecar_command

CLIENT = os.path.join(HERE, "sidecar_client.py")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.load(response)


def next_notification(listener, predicate, timeout=UNEXPECTED):
    """The first notification from the listener's queue that matches; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no matching notification within {timeout} s; saw {seen}")
        try:
            notification = listener.get(timeout=remaining)
        except queue.Empty:
            continue
        if notification is None:
            raise AssertionError(f"the sidecar exited; saw {seen}")
        seen.append((notification["method"], notification["params"].get("state")))
        if predicate(notification):
            return notification


def status_changed(backend, state, not_pid=None):
    return lambda n: (n["method"] == "statusChanged" and n["params"]["backend"] == backend
                      and n["params"]["state"] == state and (not_pid is None or n["params"]["pid"] != not_pid))


class SidecarClientTests(unittest.TestCase):
    def setUp(self):
        self.config = DemoConfig()
        self.addCleanup(self.config.cleanup)
        self.stderr = []

    def client(self, config_path=None):
        return SidecarClient(sidecar_command(), config_path or self.config.path, stderr=self.stderr.append)

    def test_context_manager_starts_reports_logs_and_stops_then_leaves_nothing(self):
        with self.client() as sidecar:
            self.assertEqual(sidecar.initialize_result["protocolVersion"], "1.0")
            self.assertEqual([b["backend"] for b in sidecar.initialize_result["backends"]], ["api"])

            started = sidecar.start("api")
            self.assertEqual((started["state"], started["port"]), ("running", self.config.port))
            self.assertTrue(is_alive(started["pid"]))
            status = sidecar.status()
            self.assertEqual([(b["backend"], b["state"], b["pid"]) for b in status["backends"]],
                             [("api", "running", started["pid"])])

            listener = sidecar.listen()
            self.assertEqual(sidecar.subscribe(["api"]), {})
            get(self.config.port, "/hello-from-the-test")
            logged = next_notification(listener, lambda n: n["method"] == "log" and any(
                e["text"] == "GET /hello-from-the-test -> 200" for e in n["params"]["entries"]))
            self.assertEqual(logged["params"]["backend"], "api")
            logs = sidecar.logs("api", tail=200)
            self.assertIn("GET /hello-from-the-test -> 200", [e["text"] for e in logs["entries"]])
            self.assertEqual(len(sidecar.logs("api", tail=1)["entries"]), 1)

            stopped = sidecar.stop("api")
            self.assertEqual((stopped["state"], stopped["pid"]), ("stopped", None))
            self.assertFalse(is_alive(started["pid"]))
            sidecar_pid = sidecar.pid
        self.assertEqual(sidecar.returncode, 0)
        self.assertFalse(is_alive(sidecar_pid))

    def test_the_sidecar_keeps_its_log_files_in_the_test_folder_not_in_the_users_state_folder(self):
        with self.client() as sidecar:
            sidecar.start("api")
            sidecar.stop("api")
        state = os.environ["XDG_STATE_HOME"]
        self.assertTrue(state.startswith(self.config.dir), state)
        logs = [name for _, _, names in os.walk(os.path.join(state, "backend-sidecar")) for name in names]
        self.assertIn("api.log", logs)

    def test_notifications_interleaved_with_requests_crash_then_restart_with_new_args(self):
        with self.client() as sidecar:
            listener = sidecar.listen()
            first = sidecar.start("api")
            try:
                get(self.config.port, "/crash")  # the demo backend exits with code 3 at once
            except OSError:
                pass  # It may go before it answers.
            backoff = next_notification(listener, status_changed("api", "backoff"))
            self.assertEqual(backoff["params"]["lastExit"]["code"], 3)
            # A request while notifications are arriving: its answer is not mistaken for one of them.
            self.assertEqual(sidecar.status("api")["backends"][0]["backend"], "api")
            back = next_notification(listener, status_changed("api", "running", not_pid=first["pid"]))
            self.assertEqual(back["params"]["restartCount"], 1)
            self.assertFalse(is_alive(first["pid"]))

            demo = os.path.join(os.path.dirname(HERE), "demo", "demo_backend.py")
            restarted = sidecar.restart("api", args=[demo, "--restarted"], env={"DEMO_LOAD_SECONDS": "0.2"})
            self.assertEqual(restarted["state"], "running")
            self.assertNotEqual(restarted["pid"], back["params"]["pid"])
            with open(f"/proc/{restarted['pid']}/cmdline", "rb") as cmdline:
                self.assertEqual(cmdline.read().split(b"\0")[-2], b"--restarted")
        self.assertFalse(is_alive(restarted["pid"]))

    def test_errors_raise_sidecar_error_with_the_contracts_code_and_data(self):
        exits = self.config.write({
            "api": DemoConfig.demo_backend(self.config.port),
            "broken": DemoConfig.demo_backend(free_port(), args=["-c", "print('no model here'); raise SystemExit(3)"],
                                              restart={"policy": "never"}),
        }, "two.json")
        with self.client(exits) as sidecar:
            with self.assertRaises(SidecarError) as unknown:
                sidecar.start("nope")
            self.assertEqual(unknown.exception.code, -32010)
            self.assertEqual(unknown.exception.data["backend"], "nope")
            self.assertEqual(sorted(unknown.exception.data["known"]), ["api", "broken"])

            with self.assertRaises(SidecarError) as ambiguous:
                sidecar.start()  # two backends: which one?
            self.assertEqual(ambiguous.exception.code, -32602)

            with self.assertRaises(SidecarError) as exited:
                sidecar.start("broken")
            self.assertEqual(exited.exception.code, -32014)
            self.assertEqual(exited.exception.data["lastLines"], ["no model here"])
            self.assertEqual(exited.exception.data["exitCode"], 3)

            diagnosis = sidecar.diagnose("api")
            self.assertTrue(diagnosis["ok"])
        with self.assertRaises(SidecarError) as closed:
            sidecar.status()
        self.assertEqual(closed.exception.code, CONNECTION_CLOSED)

    def test_command_defaults_to_the_shell_words_of_BACKEND_SIDECAR(self):
        saved = os.environ.get("BACKEND_SIDECAR")
        self.addCleanup(lambda: os.environ.pop("BACKEND_SIDECAR", None) if saved is None
                        else os.environ.__setitem__("BACKEND_SIDECAR", saved))
        expected = sidecar_command() + ["serve"]
        os.environ["BACKEND_SIDECAR"] = shlex.join(expected)

        with SidecarClient(config_path=self.config.path, stderr=self.stderr.append) as sidecar:
            self.assertEqual(sidecar.command, expected)
            self.assertEqual(sidecar.status()["backends"][0]["state"], "stopped")

    def test_missing_sidecar_raises_connection_closed(self):
        with self.assertRaises(SidecarError) as error:
            SidecarClient(["/nonexistent/backend-sidecar"], self.config.path).open()
        self.assertEqual(error.exception.code, CONNECTION_CLOSED)


class CommandLineTests(unittest.TestCase):
    def setUp(self):
        self.config = DemoConfig()
        self.addCleanup(self.config.cleanup)

    def cli(self, *args):
        sidecar = shlex.join(sidecar_command())
        return subprocess.run([sys.executable, CLIENT, "--sidecar", sidecar, "--config", self.config.path, *args],
                              capture_output=True, text=True, timeout=UNEXPECTED * 2)

    def test_run_keeps_the_backend_up_for_the_command_and_exits_with_its_code(self):
        probe = ("import sys, urllib.request; "
                 f"print(urllib.request.urlopen('http://127.0.0.1:{self.config.port}/health').read().decode()); "
                 "sys.exit(7)")

        result = self.cli("run", "api", "--", sys.executable, "-c", probe)

        self.assertEqual(result.returncode, 7, result.stderr)
        self.assertEqual(json.loads(result.stdout), {"status": "ok"})
        pid = int(result.stderr.split("running (pid ")[1].split(")")[0])
        self.assertFalse(is_alive(pid))

    @unittest.skipUnless(shutil.which("curl"), "curl is not installed")
    def test_run_with_curl_as_in_the_readme(self):
        result = self.cli("run", "api", "--", "curl", "-s", f"http://127.0.0.1:{self.config.port}/health")

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), {"status": "ok"})

    def test_run_backend_cannot_start_exits_125_naming_the_error(self):
        self.config.write({"api": DemoConfig.demo_backend(self.config.port, command="/nonexistent/api-server")})

        result = self.cli("run", "api", "--", "true")

        self.assertEqual(result.returncode, EXIT_NOT_STARTED)
        self.assertIn("api did not start", result.stderr)
        self.assertIn("(-32012)", result.stderr)

    def test_check_all_ok_exits_0(self):
        result = self.cli("check")

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertTrue(result.stdout.startswith("api: ok\n"), result.stdout)

    def test_check_port_held_by_another_process_exits_1_and_names_the_check(self):
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", self.config.port))
            squatter.listen()

            result = self.cli("check")

        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertTrue(result.stdout.startswith("api: NOT OK\n"), result.stdout)
        self.assertRegex(result.stdout, r"\n  error +port: ")


if __name__ == "__main__":
    unittest.main()
