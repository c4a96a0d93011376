// A real backend for the tests: a Python 3 HTTP server (standard library only), written to a
// temporary folder. It is what a user's FastAPI or model server looks like to the sidecar: a
// process that listens on a port, answers /health, prints log lines and ends on SIGTERM.
export const pythonBackendSource = String.raw`#!/usr/bin/env python3
"""Test backend: python3 backend.py --port N [--tag T] [--never-healthy]

GET /health       -> 200 {"status": "ok"} (503 {"status": "loading"} with --never-healthy)
GET /echo?text=X  -> prints X on stdout, answers {"echoed": X}
GET /             -> {"pid": ..., "tag": T, "args": [...]}
SIGTERM           -> prints "SIGTERM received" and exits 0
"""
import argparse
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--tag", default="first")
parser.add_argument("--never-healthy", action="store_true")
options = parser.parse_args()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/health":
            if options.never_healthy:
                self.reply(503, {"status": "loading"})
            else:
                self.reply(200, {"status": "ok"})
        elif url.path == "/echo":
            text = parse_qs(url.query).get("text", [""])[0]
            print(text, flush=True)
            self.reply(200, {"echoed": text})
        else:
            self.reply(200, {"pid": os.getpid(), "tag": options.tag, "args": sys.argv[1:]})

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass


def on_sigterm(*_):
    print("SIGTERM received", flush=True)
    os._exit(0)


signal.signal(signal.SIGTERM, on_sigterm)
server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
print(f"test backend pid {os.getpid()} tag {options.tag} listening on 127.0.0.1:{options.port}", flush=True)
server.serve_forever()
`;
