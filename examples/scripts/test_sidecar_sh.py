"""sidecar.sh (run by /bin/sh, POSIX) against the real backend-sidecar and the demo backend."""
import json
import os
import re
import shlex
import subprocess
import unittest
import urllib.request

from sidecar_test_support import HERE, UNEXPECTED, DemoConfig, is_alive, sidecar_command

SCRIPT = os.path.join(HERE, "sidecar.sh")


class SidecarShTests(unittest.TestCase):
    def setUp(self):
        self.config = DemoConfig()
        self.addCleanup(self.config.cleanup)
        self.env = dict(os.environ, BACKEND_SIDECAR=shlex.join(sidecar_command()))

    def popen(self, *args):
        process = subprocess.Popen(["sh", SCRIPT, "-c", self.config.path, *args], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        return process

    def run_script(self, *args):
        return subprocess.run(["sh", SCRIPT, "-c", self.config.path, *args], env=self.env,
                              capture_output=True, text=True, timeout=UNEXPECTED * 2)

    def test_starts_prints_status_json_and_log_tail_then_shuts_down(self):
        result = self.run_script("-b", "api", "-n", "20")

        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout.splitlines()
        status = json.loads(out[0])
        api = status["backends"][0]
        self.assertEqual((api["backend"], api["state"], api["port"]), ("api", "running", self.config.port))
        self.assertIn(f"stdout demo backend pid {api['pid']} listening on http://127.0.0.1:{self.config.port} (try /crash and /hang)", out[1:])
        self.assertIn("sidecar stopped -> starting: start requested", out[1:])
        self.assertIn(f"sidecar.sh: api is running (pid {api['pid']})", result.stderr)
        self.assertIn("sidecar.sh: api: running -> stopping", result.stderr)
        # The shutdown answer comes after the last statusChanged, so the script has seen "stopped".
        self.assertTrue(result.stderr.rstrip().endswith("sidecar.sh: api: stopping -> stopped\nsidecar.sh: shut down: every backend stopped"),
                        result.stderr)
        self.assertFalse(is_alive(api["pid"]))

    def test_follow_prints_new_log_lines_as_they_come(self):
        process = self.popen("-n", "0", "-f", "3")
        progress = []
        for line in process.stderr:
            progress.append(line)
            if "following the logs of api" in line:
                break
        self.assertIn("following", "".join(progress), "the script never started following")

        urllib.request.urlopen(f"http://127.0.0.1:{self.config.port}/marker-from-the-test", timeout=10).read()
        out, err = process.communicate(timeout=UNEXPECTED)

        self.assertEqual(process.returncode, 0, "".join(progress) + err)
        self.assertIn("stdout GET /marker-from-the-test -> 200", out.splitlines())

    def test_error_answer_exits_1_and_prints_the_error(self):
        result = self.run_script("-b", "nope")

        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r'sidecar\.sh: start failed: \{"jsonrpc":"2\.0","id":2,"error":\{"code":-32010,')
        pids = [int(p) for p in re.findall(r"pid (\d+)", result.stderr)]
        self.assertEqual(pids, [], "nothing should have been started")


if __name__ == "__main__":
    unittest.main()
