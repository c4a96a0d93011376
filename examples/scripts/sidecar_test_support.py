"""Helpers for the script examples' tests: the built sidecar, the demo backend on a free port.

The tests run the real backend-sidecar (./test.sh builds it first; BACKEND_SIDECAR overrides it)
with examples/demo/demo_backend.py as the backend, each on a port the OS picks.
"""
import json
import os
import shlex
import socket
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
#: Bound for anything a test waits for; reaching it is a failure, never the normal path.
UNEXPECTED = 30.0


def repo_root():
    directory = HERE
    while not os.path.exists(os.path.join(directory, "BackendSidecar.sln")):
        parent = os.path.dirname(directory)
        if parent == directory:
            raise RuntimeError(f"no BackendSidecar.sln above {HERE}")
        directory = parent
    return directory


def sidecar_command():
    """BACKEND_SIDECAR (shell words), else the sidecar built in this repository."""
    line = os.environ.get("BACKEND_SIDECAR", "").strip()
    if line:
        return shlex.split(line)
    path = os.path.join(repo_root(), "src", "BackendSidecar", "bin", "Release", "net10.0", "backend-sidecar")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} does not exist: run dotnet build src/BackendSidecar -c Release, or set BACKEND_SIDECAR")
    return [path]


def free_port():
    """A loopback port that was free a moment ago (never a fixed port: other tests run alongside)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_alive(pid):
    """Whether the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


#: Where a sidecar keeps its logs and state (XDG_STATE_HOME) and its attach socket (XDG_RUNTIME_DIR).
USER_FOLDERS = {"XDG_STATE_HOME": "state", "XDG_RUNTIME_DIR": "run"}


class DemoConfig:
    """A temporary folder with a configuration whose backend "api" is the demo backend on a free port.

    Until cleanup, the sidecars this process spawns keep their logs, state and attach socket in it too
    (XDG_STATE_HOME, XDG_RUNTIME_DIR), not in the user's ~/.local/state.
    """

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="sidecar-script-test-")
        self.dir = self._folder.name
        self._saved_env = {name: os.environ.get(name) for name in USER_FOLDERS}
        for name, sub in USER_FOLDERS.items():
            os.environ[name] = os.path.join(self.dir, sub)
            os.mkdir(os.environ[name], 0o700)
        self.port = free_port()
        self.path = self.write({"api": self.demo_backend(self.port)})

    @staticmethod
    def demo_backend(port, **overrides):
        backend = {
            "command": "python3",
            "args": [os.path.join(repo_root(), "examples", "demo", "demo_backend.py")],
            "env": {"PORT": str(port), "DEMO_LOAD_SECONDS": "0", "PYTHONUNBUFFERED": "1"},
            "port": port,
            "health": {"http": "http://127.0.0.1:${port}/health", "expectJson": {"status": "ok"},
                       "intervalMs": 500, "timeoutMs": 1000, "startupTimeoutMs": 15000},
            "restart": {"policy": "on-failure", "maxRestarts": 5,
                        "backoff": {"initialMs": 200, "factor": 2, "maxMs": 1000, "jitter": 0}},
            "stop": {"signal": "SIGTERM", "timeoutMs": 5000},
        }
        backend.update(overrides)
        return backend

    def write(self, backends, name="backends.json"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as file:
            json.dump({"backends": backends}, file, indent=2)
        return path

    def cleanup(self):
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._folder.cleanup()
