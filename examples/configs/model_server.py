#!/usr/bin/env python3
"""A stand-in for a local model server: loads "weights" for a while, printing progress, then serves /health.

    python3 model_server.py --port 8891 --load-seconds 20 [--stall-at 40]

It prints "Loading N% (shard i/n)" lines as backend-sidecar's health.progress in model-server.json expects,
and answers GET /health with {"status": "ok"} once loaded. --stall-at stops the progress there (a hung load),
to see stallTimeoutMs end the start with -32013 naming the last progress.
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SHARDS = 10


def load(seconds: float, stall_at: int | None) -> None:
    for shard in range(1, SHARDS + 1):
        percent = shard * 100 // SHARDS
        if stall_at is not None and percent > stall_at:
            print(f"Loading stalled after {stall_at}%", file=sys.stderr, flush=True)
            while True:
                time.sleep(3600)
        time.sleep(seconds / SHARDS)
        print(f"Loading {percent}% (shard {shard}/{SHARDS})", flush=True)


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/health"
        body = json.dumps({"status": "ok"} if ok else {"error": "not found"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--stall-at", type=int, default=None)
    args = parser.parse_args()

    # Bind first, as real servers do, so a port already in use fails before the long load.
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Health)
    load(args.load_seconds, args.stall_at)
    print(f"Model loaded; serving on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
