"""The site's one ``_redirects`` file (Netlify, Cloudflare Pages): the old addresses of
imported posts and, when it is on, Bridgy Fed's fediverse lookups.

Two capabilities need the same file at the site's root; each writing its own would let
the last one win, so the build joins their lines here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth_core.files import read_text_file, write_atomically
from hearth_core.problems import ContentError
from hearth_import.importer import Places
from hearth_linkhealth.fediverse import bridgy_fed_redirects

REDIRECTS_FILE = "_redirects"
# One line per imported post: a 13-year weekly is about 700 lines, 50 KB.
MAX_IMPORTED_BYTES = 4 * 1024 * 1024


def site_redirects(settings: Mapping[str, Any]) -> str | None:
    """The ``_redirects`` text, or None when nothing needs a redirect."""
    parts = [imported_redirects(settings), bridgy_fed_redirects(settings)]
    present = [part for part in parts if part]
    return "\n".join(present) if present else None


def imported_redirects(settings: Mapping[str, Any]) -> str | None:
    """The table ``invoke import-archive`` keeps (``content/extra/redirects``), if any."""
    path = Places.of(settings).redirects
    if not path.exists():
        return None
    text, problems = read_text_file(path, max_bytes=MAX_IMPORTED_BYTES)
    if problems:
        raise ContentError(problems)
    return text


def write_redirects(settings: Mapping[str, Any], output: Path) -> None:
    text = site_redirects(settings)
    if text is not None:
        write_atomically(output / REDIRECTS_FILE, text.encode())
