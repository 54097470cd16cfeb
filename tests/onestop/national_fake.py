"""A fake national public-service portal: a real HTTP server speaking the sync's JSON.

It applies each idempotency key once (as the national side must, and as our records ask), keeps
every request it received in order, and fails on demand: `down` (503 to everything), or `refuse`
(a predicate on the record: 500 for those).
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeNationalPortal:
    def __init__(self) -> None:
        self.received: list[dict] = []  # every request body, in arrival order
        self.applied: dict[str, dict] = {}  # idempotency key -> record, applied once
        self.applied_order: list[dict] = []
        self.down = False
        self.refuse = None  # callable(record) -> bool
        self.token = ""
        self.lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # Headers and body leave in two writes: without NODELAY, Nagle's algorithm and the
                # client's delayed ACK add 40 ms to every answer (a real server does not do that).
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                records = body["data"]
                keys = [r.get("IdempotencyKey") for r in records]
                with portal.lock:
                    portal.received.append(body)
                    if portal.token and self.headers.get("Authorization") != f"Bearer {portal.token}":
                        return self._answer(401, {"error_code": 401, "message": "unauthorised"})
                    if portal.down:
                        return self._answer(503, {"error_code": 503, "message": "maintenance"})
                    if portal.refuse and any(portal.refuse(r) for r in records):
                        return self._answer(500, {"error_code": 500, "message": "refused"})
                    if not all(keys) or self.headers.get("Idempotency-Key") != ",".join(keys):
                        return self._answer(400, {"error_code": 400, "message": "key mismatch"})
                    for key, record in zip(keys, records, strict=True):
                        if key not in portal.applied:  # each record applied once, whatever is resent
                            portal.applied[key] = record
                            portal.applied_order.append({"service": body["service"], **record})
                self._answer(200, {"error_code": 0, "message": "ok"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/dongbo"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def records_received(self) -> list[dict]:
        """Every record of every request, resent ones included, in arrival order."""
        return [r for body in self.received for r in body["data"]]

    def statuses(self, code: str) -> list[tuple[str, int]]:
        """(service, TrangThai[HoSo]) of one dossier's applied records, in the order applied."""
        return [
            (r["service"], r.get("TrangThaiHoSo", r.get("TrangThai")))
            for r in self.applied_order
            if r["MaHoSo"] == code
        ]
