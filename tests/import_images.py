"""A stand-in for the image hosts an archive links to, on loopback.

The importer reaches it through HEARTH_IMPORT_FETCH_VIA: ``/<host>/<path>`` here is
``https://<host>/<path>`` there. A path with "gone" in it answers 404, as a deleted
image does; ``.../feed.rss`` is the sample feed, ``.../blog.html`` a page; every request
is recorded.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

FEED = Path(__file__).parent / "data/import/feed.rss"

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        if "gone" in self.path:
            self.send_error(404)
            return
        if self.path.endswith("/feed.rss"):
            self._send(FEED.read_bytes(), "application/rss+xml; charset=utf-8")
            return
        if self.path.endswith("/blog.html"):
            self._send(b"<!doctype html><title>Blog</title><p>Hi", "text/html")
            return
        jpeg = self.path.split("?")[0].endswith((".jpg", ".jpeg"))
        self._send(*((JPEG, "image/jpeg") if jpeg else (PNG, "image/png")))

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def image_hosts() -> Iterator[tuple[str, list[str]]]:
    """The server's base URL, and the paths it was asked for."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
