"""A local preview server: the output folder, with the site's own 404 page."""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves like a static host: ``/issues/3/`` maps to ``issues/3/index.html``."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory, "404.html")
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def preview_server(output: Path, host: str = "localhost", port: int = 8000) -> ThreadingHTTPServer:
    handler = functools.partial(PreviewHandler, directory=str(output))
    return ThreadingHTTPServer((host, port), handler)
