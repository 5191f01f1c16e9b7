"""A local preview server: the output folder, with the site's own 404 page.

A site published below a path (``https://owner.github.io/news``) links root-relative
below that path ("/news/issues/3/"): the server answers there too, so that what
`invoke preview` built works on localhost as it will at the public address.

The live preview (``invoke livereload``) adds one thing to each page it serves,
never to the files in output/: a script that listens on this same server for
the end of the next build, and reloads the page then.
"""

from __future__ import annotations

import functools
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

RELOAD_PATH = "/_hearth/reload"
# Server-sent events: the browser reconnects by itself after a restart.
RELOAD_SCRIPT = """<script>
new EventSource("{path}?build={build}").onmessage = () => location.reload();
</script>"""
KEEPALIVE_SECONDS = 10


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves like a static host: ``/issues/3/`` maps to ``issues/3/index.html``."""

    def __init__(self, *args: Any, site_path: str = "", **kwargs: Any) -> None:
        self.site_path = site_path  # before the base class handles the request
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        return super().translate_path(below_site_path(path, self.site_path))

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


def below_site_path(path: str, site_path: str) -> str:
    """``path`` as the output folder holds it: "/news/issues/3/" is "/issues/3/" below "/news"."""
    if site_path and (path == site_path or path.startswith((f"{site_path}/", f"{site_path}?"))):
        rest = path[len(site_path) :]
        return rest if rest.startswith("/") else f"/{rest}"
    return path


def preview_server(
    output: Path, host: str = "localhost", port: int = 8000, site_path: str = ""
) -> ThreadingHTTPServer:
    """``site_path`` is the path the site is published below ("" at a domain's root)."""
    handler = functools.partial(PreviewHandler, directory=str(output), site_path=site_path)
    return ThreadingHTTPServer((host, port), handler)


class Builds:
    """The number of builds finished so far; a reload stream waits for the next."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def finished(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for_another(self, seen: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count != seen, timeout)


class LivePreviewServer(ThreadingHTTPServer):
    builds: Builds


class LivePreviewHandler(PreviewHandler):
    """Serves each page with the reload script, and the stream it listens to."""

    server: LivePreviewServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == RELOAD_PATH:
            self._stream_reloads(parse_qs(url.query).get("build", [""])[0])
            return
        page = Path(self.translate_path(url.path))
        if page.is_dir() and url.path.endswith("/"):
            page = page / "index.html"
        if page.suffix != ".html" or not page.is_file():
            super().do_GET()
            return
        script = RELOAD_SCRIPT.format(path=RELOAD_PATH, build=self.server.builds.count)
        html = with_script(page.read_bytes(), script.encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(html)

    def _stream_reloads(self, build: str) -> None:
        # The page says which build it was served from: a build that finished
        # while it loaded still reloads it.
        seen = int(build) if build.isdigit() else self.server.builds.count
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not self.server.builds.wait_for_another(seen, KEEPALIVE_SECONDS):
                self.wfile.write(b": still building nothing\n\n")  # finds closed tabs
                self.wfile.flush()
            self.wfile.write(b"data: reload\n\n")
            self.wfile.flush()
        except OSError:
            pass  # the tab was closed


def with_script(html: bytes, script: bytes) -> bytes:
    """The page with the reload script before its ``</body>``, or at its end without one:
    a page read while a build was writing it is cut short, and must still reload
    when that build finishes."""
    if b"</body>" in html:
        return html.replace(b"</body>", script + b"</body>", 1)
    return html + script


def live_preview_server(
    output: Path, builds: Builds, host: str = "localhost", port: int = 8000
) -> LivePreviewServer:
    handler = functools.partial(LivePreviewHandler, directory=str(output))
    server = LivePreviewServer((host, port), handler)
    server.builds = builds
    return server
