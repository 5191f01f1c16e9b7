"""Checks of a built site that `invoke publish` runs beside the link check.

The test suite runs the same gates in a browser; these are the ones that need
no browser, so an author's own content is held to them before it goes live.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from hearth_core.fetched import fetched_addresses, other_host

# Where `npm install` (see package.json) puts the Nu HTML Checker: in the project the
# author runs tasks from, or in the one Hearth's code is installed from.
VNU = Path("node_modules/vnu-jar/build/dist/vnu.jar")
VNU_PLACES = (Path.cwd, lambda: Path(__file__).resolve().parents[2])


def outside_requests(site: Path, site_url: str = "") -> list[str]:
    """``page: address`` for everything a page would load from another host."""
    own = urlsplit(site_url).netloc
    found = []
    for path in sorted(site.rglob("*.html")):
        doc = lxml.html.document_fromstring(path.read_bytes())
        for _element, url in fetched_addresses(doc):
            if other_host(url, own):
                found.append(f"{path.relative_to(site).as_posix()}: {url}")
    return found


INSTALL_JAVA = "install Java (apt-get install default-jre-headless)"
INSTALL_VNU = "run `npm install --no-package-lock --ignore-scripts`"
CHECKER_MISSING = f"the Nu HTML Checker is not installed: {INSTALL_JAVA} and {INSTALL_VNU}"


def _installed_vnu() -> Path | None:
    return next((place() / VNU for place in VNU_PLACES if (place() / VNU).is_file()), None)


def html_checker_missing() -> str:
    """What to install for the Nu HTML Checker to run, or "" when it can: only what is
    missing, so that nobody is told to install the Java they have."""
    return _missing(java=shutil.which("java") is not None, vnu=_installed_vnu() is not None)


def _missing(*, java: bool, vnu: bool) -> str:
    if java and vnu:
        return ""
    if java:
        return f"the Nu HTML Checker is not installed: {INSTALL_VNU} (Java is here already)"
    if vnu:
        return f"the Nu HTML Checker needs Java, which is not installed: {INSTALL_JAVA}"
    return CHECKER_MISSING


def html_errors(site: Path, site_url: str = "", vnu: Path | None = None) -> list[str]:
    """``page:line: message`` from the Nu HTML Checker; the tools' absence is itself a problem."""
    java = shutil.which("java")
    vnu = vnu or _installed_vnu()
    if java is None or vnu is None:
        return [_missing(java=java is not None, vnu=vnu is not None)]
    site = site.resolve()
    pages = [str(path) for path in sorted(site.rglob("*.html"))]
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or "{}").get("messages", [])
    except json.JSONDecodeError:
        return [f"the Nu HTML Checker failed: {result.stderr.strip()[:200]}"]
    return [
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(site).as_posix()}:"
        f"{m.get('lastLine', 0)}: {m.get('message', '')}"
        for m in messages
        if m.get("type") == "error"
    ]
