#!/usr/bin/python3
"""A webhook receiver for the live suite: listens on 127.0.0.1:PORT, appends each POST's body
as one line to FILE, answers 200, and exits after COUNT requests or TIMEOUT seconds."""
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

port, out, count, timeout = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
received = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global received
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        received += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", port), Handler)
server.timeout = 1
deadline = time.time() + timeout
while received < count and time.time() < deadline:
    server.handle_request()
