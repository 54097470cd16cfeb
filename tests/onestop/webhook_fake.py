"""A partner's webhook receiver: a real HTTP server that verifies what it gets as a partner should
(docs/integration.md) — with `onestop.integration.webhooks.signing.verify`, the function the docs
give receivers.

It answers 401 to a bad signature or a timestamp outside the 5-minute window, 409 to a delivery id
it has already applied (a replay), 500 while `fail` > 0 (counting down: "fail the next n"), and 204
to a good one. It keeps every request (raw body and headers) so that a test can send one again.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from onestop.integration.webhooks.signing import DELIVERY_HEADER, HEADER, SignatureError, verify


class FakeReceiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.requests: list[tuple[dict[str, str], bytes, int]] = []  # headers, body, our answer
        self.applied: dict[str, dict] = {}  # delivery id -> body, applied once
        self.fail = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                status = receiver.handle(headers, body)
                with receiver.lock:
                    receiver.requests.append((headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/dvc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        try:
            verify(self.secret, headers.get(HEADER, ""), body)
        except SignatureError:
            return 401
        delivery_id = headers.get(DELIVERY_HEADER, "")
        with self.lock:
            if self.fail > 0:
                self.fail -= 1
                return 500
            if delivery_id in self.applied:
                return 409  # a replay: applied already
            self.applied[delivery_id] = json.loads(body)
        return 204

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
