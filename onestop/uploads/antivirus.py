"""Optional virus scan with ClamAV's clamd, over TCP or a UNIX socket (off unless CLAMAV_ENABLED).

The INSTREAM protocol: send ``zINSTREAM\\0``, then the file as chunks each preceded by its length
(4 bytes, big-endian), then a zero length; clamd answers ``stream: OK\\0``,
``stream: <signature> FOUND\\0`` or ``<reason> ERROR\\0`` and closes the connection.
Fail closed (STYLE §7): when the scan is enabled, a scanner that cannot be reached, times out
or answers anything else rejects the file. clamd's StreamMaxLength (25 MB by default) must be at
least UPLOAD_MAX_FILE_MB, or every larger file is refused as "could not be checked".
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files import File

from . import conf, errors

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScanError(Exception):
    """clamd could not be reached, did not answer in time, or answered something else than a verdict."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str  # "" when clean
    reply: str


class ClamdClient:
    """A clamd client for one scan per connection. ``timeout`` (seconds) bounds connect + send + reply."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 3310, socket_path: str = "", timeout: float = 10.0
    ) -> None:
        self.host = host
        self.port = port
        self.socket_path = socket_path
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> ClamdClient:
        cfg = conf.clamav()
        return cls(host=cfg.host, port=cfg.port, socket_path=cfg.socket_path, timeout=cfg.timeout)

    def __repr__(self) -> str:
        where = self.socket_path or f"{self.host}:{self.port}"
        return f"<ClamdClient {where} timeout={self.timeout}s>"

    def ping(self) -> bool:
        """True when clamd answers PING with PONG."""
        try:
            with self._connect(time.monotonic() + self.timeout) as sock:
                sock.sendall(b"zPING\0")
                return self._read_reply(sock, time.monotonic() + self.timeout) == "PONG"
        except ScanError:
            return False

    def scan_stream(self, chunks: Iterable[bytes]) -> ScanResult:
        """Scan the bytes with INSTREAM; raise ScanError unless clamd gives a verdict."""
        deadline = time.monotonic() + self.timeout
        with self._connect(deadline) as sock:
            try:
                self._send(sock, b"zINSTREAM\0", deadline)
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK_BYTES):
                        part = chunk[start : start + CHUNK_BYTES]
                        self._send(sock, struct.pack("!L", len(part)) + part, deadline)
                self._send(sock, struct.pack("!L", 0), deadline)
            except (BrokenPipeError, ConnectionResetError) as exc:
                # clamd closes early when the stream passes StreamMaxLength; its reason may be waiting.
                try:
                    reply = self._read_reply(sock, deadline)
                except ScanError:
                    raise ScanError(f"clamd closed the connection: {exc}") from exc
                raise ScanError(f"clamd refused the stream: {reply}") from exc
            reply = self._read_reply(sock, deadline)
        return self._verdict(reply)

    def _connect(self, deadline: float) -> socket.socket:
        address: str | tuple[str, int] = self.socket_path or (self.host, self.port)
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(self._remaining(deadline))
                    sock.connect(self.socket_path)
                except BaseException:
                    sock.close()
                    raise
                return sock
            return socket.create_connection((self.host, self.port), timeout=self._remaining(deadline))
        except TimeoutError as exc:
            raise ScanError(f"timed out connecting to clamd at {address}") from exc
        except OSError as exc:
            raise ScanError(f"cannot reach clamd at {address}: {exc}") from exc

    def _send(self, sock: socket.socket, data: bytes, deadline: float) -> None:
        sock.settimeout(self._remaining(deadline))
        try:
            sock.sendall(data)
        except TimeoutError as exc:
            raise ScanError("timed out sending to clamd") from exc
        except (BrokenPipeError, ConnectionResetError):
            raise
        except OSError as exc:
            raise ScanError(f"error sending to clamd: {exc}") from exc

    def _read_reply(self, sock: socket.socket, deadline: float) -> str:
        reply = b""
        while not reply.endswith(b"\0"):
            sock.settimeout(self._remaining(deadline))
            try:
                data = sock.recv(MAX_REPLY_BYTES)
            except TimeoutError as exc:
                raise ScanError("timed out waiting for clamd's answer") from exc
            except OSError as exc:
                raise ScanError(f"error reading clamd's answer: {exc}") from exc
            if not data:
                break
            reply += data
            if len(reply) > MAX_REPLY_BYTES:
                raise ScanError("clamd's answer is too long")
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if not text:
            raise ScanError("clamd closed the connection without an answer")
        return text

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ScanError(f"clamd did not answer within {self.timeout} s")
        return remaining

    @staticmethod
    def _verdict(reply: str) -> ScanResult:
        body = reply.removeprefix("stream:").strip()
        if body == "OK":
            return ScanResult(infected=False, signature="", reply=reply)
        if body.endswith(" FOUND"):
            return ScanResult(infected=True, signature=body.removesuffix(" FOUND").strip(), reply=reply)
        raise ScanError(f"clamd answered {reply!r}")


def _file_chunks(uploaded: File) -> Iterator[bytes]:
    uploaded.seek(0)
    while chunk := uploaded.read(CHUNK_BYTES):
        yield chunk


def scan_upload(uploaded: File, *, name: str, client: ClamdClient | None = None) -> None:
    """Raise ``UploadRejected`` if clamd finds a virus or cannot give a verdict (fail closed)."""
    client = client or ClamdClient.from_settings()
    try:
        result = client.scan_stream(_file_chunks(uploaded))
    except ScanError as exc:
        logger.warning("Upload %r rejected: virus scan failed (%s, %r)", name, exc, client)
        raise errors.scan_failed(name) from exc
    finally:
        uploaded.seek(0)
    if result.infected:
        logger.warning("Upload %r rejected: clamd found %s", name, result.signature)
        raise errors.virus_found(name, result.signature)
