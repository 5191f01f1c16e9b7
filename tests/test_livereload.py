"""`invoke livereload`: a page open in a real browser shows each save by itself."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from hearth_site.serve import RELOAD_PATH, RELOAD_SCRIPT, Builds, live_preview_server
from tests.sites import free_port, invoke, served, serving


@pytest.fixture
def livereload(project):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # The server starts after the first build: wait for its line, not for a time.
    for line in process.stdout:
        if "Serving a live preview" in line:
            break
    else:
        pytest.fail("invoke livereload stopped before serving")
    yield f"http://localhost:{port}", process.stdout
    process.terminate()
    # What the preview printed after the test's last read: pytest shows it if the test failed.
    print(process.stdout.read())
    process.wait(timeout=30)


def test_an_open_page_reloads_with_the_saved_edit(livereload, project, new_page):
    url, _output = livereload
    tab = new_page()
    requested = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.goto(url + "/issues/3/")
    issue = next((project / "content/issues").glob("0003-*.md"))
    issue.write_text(issue.read_text() + "\nA sentence saved during the preview.\n")
    tab.get_by_text("A sentence saved during the preview.").wait_for(timeout=60_000)
    assert all(address.startswith(url) for address in requested), "no other host"


def test_a_broken_save_keeps_the_page_until_it_is_fixed(livereload, project, new_page):
    url, output = livereload
    tab = new_page()
    tab.goto(url + "/issues/3/")
    loads = []
    tab.on("load", lambda _page: loads.append(1))
    issue = next((project / "content/issues").glob("0003-*.md"))
    text = issue.read_text()
    issue.write_text(text.replace("Title:", "Titel:", 1) + "\nFirst try.\n")
    for line in output:
        if "0003-" in line:  # the failed build names the file
            break
    assert loads == [], "no reload after the failed build"
    issue.write_text(text + "\nSecond try, fixed.\n")
    tab.get_by_text("Second try, fixed.").wait_for(timeout=60_000)


def previewed(output, html: str) -> str:
    """``html`` as output/index.html, served by a live preview no build has finished in."""
    (output / "index.html").write_text(html)
    server = live_preview_server(output, Builds(), "127.0.0.1", 0)
    with serving(server) as url:
        return urllib.request.urlopen(url + "/").read().decode()


def test_the_files_in_output_stay_free_of_the_reload_script(tmp_path):
    page = previewed(tmp_path, "<html><body><p>Hi</p></body></html>")
    assert '<script>\nnew EventSource("/_hearth/reload?build=0")' in page
    assert "EventSource" not in (tmp_path / "index.html").read_text()
    with served(tmp_path) as url:
        assert "EventSource" not in urllib.request.urlopen(url + "/").read().decode()


def test_a_page_read_while_a_build_wrote_it_still_reloads(tmp_path):
    # A build writes a page in place: the browser may read it cut short, with no </body>.
    page = previewed(tmp_path, "<html><body><p>Half a pa")
    assert page == "<html><body><p>Half a pa" + RELOAD_SCRIPT.format(path=RELOAD_PATH, build=0)


def test_a_page_served_before_a_build_finished_still_reloads(tmp_path):
    builds = Builds()
    server = live_preview_server(tmp_path, builds, "127.0.0.1", 0)
    builds.finished()
    with serving(server) as url:
        stream = urllib.request.urlopen(url + "/_hearth/reload?build=0", timeout=5)
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.read() == b"data: reload\n\n"


def test_a_busy_port_is_named_with_what_to_do(project):
    with socket.socket() as busy:
        busy.bind(("localhost", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for task in ("livereload", "serve"):
            result = invoke(project, "build", task, "--port", str(port))
            assert result.returncode == 1
            assert f"Cannot listen on port {port}" in result.stderr
            assert "Traceback" not in result.stderr


def test_a_save_made_as_the_preview_starts_serving_is_shown(livereload, project):
    """The file watcher starts a moment after the preview says it serves: a save in that
    moment was missed, and the preview showed the old text until the next save."""
    url, _output = livereload
    issue = next((project / "content/issues").glob("0003-*.md"))
    issue.write_text(issue.read_text() + "\nSaved the moment the preview served.\n")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = urllib.request.urlopen(url + "/issues/3/", timeout=30).read().decode()
        if "Saved the moment the preview served." in page:
            return
        time.sleep(0.2)
    pytest.fail("the preview never showed a save made as it started serving")
