#!/usr/bin/env python3
"""The BackendSidecar demo backend: a tiny HTTP server (Python standard library only).

GET /health  -> {"status": "ok"} once "loaded" (after DEMO_LOAD_SECONDS, default 1)
GET /        -> a greeting
GET /crash   -> the process exits with code 3 at once (watch the sidecar bring it back)
GET /hang    -> /health stops answering (watch the sidecar notice it is unhealthy and restart it)
It logs a line every 2 seconds, to show live logs. SIGTERM ends it cleanly.
"""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8882"))
LOAD_SECONDS = float(os.environ.get("DEMO_LOAD_SECONDS", "1"))
started = time.monotonic()
hung = threading.Event()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            if hung.is_set():
                time.sleep(60)
                return
            loaded = time.monotonic() - started >= LOAD_SECONDS
            self.reply(200 if loaded else 503, {"status": "ok" if loaded else "loading"})
        elif self.path == "/crash":
            print("crash requested: exiting with code 3", file=sys.stderr, flush=True)
            os._exit(3)
        elif self.path == "/hang":
            hung.set()
            self.reply(200, {"hanging": True})
            print("hang requested: /health will stop answering", file=sys.stderr, flush=True)
        else:
            self.reply(200, {"hello": "from the demo backend", "pid": os.getpid()})

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        if self.path != "/health":
            print(f"{self.command} {self.path} -> {args[1] if len(args) > 1 else ''}", flush=True)


def ticker():
    n = 0
    while True:
        time.sleep(2)
        n += 1
        print(f"tick {n}: serving on http://127.0.0.1:{PORT}", flush=True)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    signal.signal(signal.SIGTERM, lambda *_: (print("SIGTERM received, shutting down", flush=True), os._exit(0)))
    threading.Thread(target=ticker, daemon=True).start()
    print(f"demo backend pid {os.getpid()} listening on http://127.0.0.1:{PORT} (try /crash and /hang)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
