"""Loopback hosts that are slow on purpose: headers a byte at a time, a body a byte at a
time, or never a word. httpx's per-read timeouts trip on none of them; a client's one
deadline for the whole exchange must."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

TRICKLE = 0.2  # seconds between two bytes: well inside any per-read timeout

Serve = Callable[[socket.socket, threading.Event], None]


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return
        data += piece


def _trickle(conn: socket.socket, data: bytes, stop: threading.Event) -> None:
    for byte in data:
        if stop.wait(TRICKLE):
            return
        conn.sendall(bytes([byte]))


def trickled_headers(conn: socket.socket, stop: threading.Event) -> None:
    """A status line and headers, one byte every 0.2 s, for far longer than any deadline."""
    _read_request(conn)
    _trickle(conn, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 4096, stop)


def trickled_body(conn: socket.socket, stop: threading.Event) -> None:
    """Prompt, well-formed headers, then the JSON body one byte every 0.2 s."""
    _read_request(conn)
    body = b'{"padding": "' + b"a" * 4096 + b'"}'
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    conn.sendall(head.encode() + b"\r\n\r\n")
    _trickle(conn, body, stop)


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """The connection accepted, the request read, and never a word back."""
    _read_request(conn)
    stop.wait(120)


class SlowHost:
    """A loopback server answering every connection with ``serve``; it records how long
    each connection stayed open, which is how long the client kept talking."""

    def __init__(self, serve: Serve) -> None:
        self.serve = serve
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.host = self.base.removeprefix("http://")
        self.first_connection = 0.0
        self.last_close = 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.first_connection = self.first_connection or time.monotonic()
            threading.Thread(target=self.one, args=(conn,), daemon=True).start()

    def one(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self.serve(conn, self.stop)
        self.last_close = time.monotonic()

    def talked_for(self) -> float:
        """Seconds from the first connection to the client's giving up on the last."""
        return self.last_close - self.first_connection


@contextlib.contextmanager
def slow_host(serve: Serve) -> Iterator[SlowHost]:
    host = SlowHost(serve)
    threading.Thread(target=host.run, daemon=True).start()
    try:
        yield host
    finally:
        host.stop.set()
        host.listener.close()
