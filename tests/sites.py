"""Build real sites with Pelican into temporary folders, the way `invoke build` does."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hearth_core.settings import load_settings
from hearth_core.state import BuildState
from hearth_search.records import SearchCaches
from hearth_site.build import build
from hearth_site.serve import preview_server

ROOT = Path(__file__).resolve().parent.parent


def settings_for(content: Path, output: Path, **overrides: Any) -> dict[str, Any]:
    return load_settings(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            **overrides,
        },
    )


def build_site(
    content: Path, output: Path, state: BuildState | None = None, **overrides: Any
) -> Path:
    """Build as `invoke build` does; with ``state``, as a live preview's builds share one."""
    build(settings_for(content, output, **overrides), state)
    return output


def finish_search(state: BuildState) -> None:
    """Wait for the search index a preview build of ``state`` left running."""
    running = state.part(SearchCaches).running
    if running:
        running.wait()


def write_content(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``/content."""
    content = root / "content"
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (content / "issues").mkdir(parents=True, exist_ok=True)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    return content


def issue(
    number: int, title: str, date: str, body: str = "Hello.\n", **headers: str
) -> tuple[str, str]:
    """A valid issue file as (relative path, text)."""
    lines = [f"Title: {title}", f"Date: {date}"] + [f"{k}: {v}" for k, v in headers.items()]
    slug = title.lower().replace(" ", "-")
    return f"issues/{number:04d}-{slug}.md", "\n".join(lines) + "\n\n" + body


def page(output: Path, url_path: str) -> HTMLParser:
    """Parse the built page at ``url_path`` (e.g. "/issues/3/")."""
    relative = url_path.strip("/")
    target = output / relative
    if not relative or not relative.endswith((".html", ".xml", ".json")):
        target = target / "index.html"
    return HTMLParser(target.read_text(encoding="utf-8"))


def invoke(project, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve a built site on loopback, as `invoke serve` does; yield its base URL."""
    return serving(preview_server(folder, "127.0.0.1", 0))


@contextlib.contextmanager
def serving(server: Any) -> Iterator[str]:
    """Run ``server`` (an http.server bound on loopback) on a thread; yield its base URL."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
