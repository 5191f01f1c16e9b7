"""Publishing to a folder is atomic: whenever it is stopped, the folder serves one whole site.

Each test stops a publish after one of its steps (an exception raised there, or the process
killed outright), rather than polling a publish in flight and hoping to catch the gap.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hearth_site.publish import PublishError, Target, deploy
from hearth_site.serve import preview_server
from hearth_site.swap import SwapUnavailable, deploy_folder, no_swap, system_swap
from tests.sites import ROOT, serving

STEPS = ["copied", "switched", "removed"]
OLD = {"index.html": "old home", "issues/1/index.html": "old issue 1", "gone.html": "old only"}
NEW = {"index.html": "new home", "issues/1/index.html": "new issue 1", "issues/2/index.html": "2"}


class Interrupted(BaseException):
    """Stands for Ctrl-C or a CI runner cancelling the job, at a chosen step."""


def write(folder: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def contents(folder: Path) -> dict[str, str]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_text() for path in files}


def interrupt_at(step: str):
    def after(done: str) -> None:
        if done == step:
            raise Interrupted(step)

    return after


@pytest.fixture
def new_site(tmp_path):
    return write(tmp_path / "staged", NEW)


@pytest.fixture(params=["folder", "symlink"])
def live(request, tmp_path):
    """The folder the web server serves, holding the old site: a real folder, or a link to one."""
    folder = tmp_path / "www" / "news"
    if request.param == "folder":
        return write(folder, OLD)
    write(tmp_path / "www" / "site-v1", OLD)
    folder.parent.mkdir(exist_ok=True)
    folder.symlink_to("site-v1")
    return folder


def beside(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.parent.iterdir())


@pytest.mark.parametrize("step", STEPS)
def test_an_interrupt_between_the_steps_always_leaves_a_live_folder(live, new_site, step):
    with pytest.raises(Interrupted):
        deploy_folder(new_site, live, after=interrupt_at(step))
    assert contents(live) == (OLD if step == "copied" else NEW)
    # What was left beside it goes with the next publish, which works as usual.
    deploy_folder(new_site, live)
    assert contents(live) == NEW
    assert [name for name in beside(live) if name.startswith(".")] in ([], [_release(live)])


def _release(live: Path) -> str:
    return os.readlink(live) if live.is_symlink() else "none"


def test_index_html_is_never_missing_during_a_publish(live, new_site):
    """Every page of the old or the new site is served, through HTTP, after every step."""
    seen = []
    with serving(preview_server(live, "127.0.0.1", 0)) as url:

        def fetch_every_page(step: str) -> None:
            pages = {name: _get(f"{url}/{name}") for name in {**OLD, **NEW}}
            whole = [site for site in (OLD, NEW) if all(pages[n] == t for n, t in site.items())]
            assert whole, f"after {step}, the server served a mix or nothing: {pages}"
            seen.append((step, "old" if whole[0] is OLD else "new"))

        fetch_every_page("before")
        deploy_folder(new_site, live, after=fetch_every_page)
    assert seen == [("before", "old"), ("copied", "old"), ("switched", "new"), ("removed", "new")]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError:
        return None


KILL_AT = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {plugins!r})
from hearth_site.swap import deploy_folder

def after(step):
    if step == {step!r}:
        os.kill(os.getpid(), signal.SIGKILL)

deploy_folder(Path({site!r}), Path({folder!r}), after=after)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step", STEPS)
def test_a_publish_killed_between_the_steps_leaves_a_whole_site(live, new_site, step):
    """Killed outright: no `finally` runs, so what is on disk is all there is."""
    script = KILL_AT.format(
        plugins=str(ROOT / "plugins"), step=step, site=str(new_site), folder=str(live)
    )
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert contents(live) == (OLD if step == "copied" else NEW)
    deploy_folder(new_site, live)
    assert contents(live) == NEW
    leftovers = [name for name in beside(live) if name.startswith(".")]
    assert leftovers in ([], [_release(live)])


def test_the_first_publish_makes_the_folder_in_one_step(tmp_path, new_site):
    folder = tmp_path / "www" / "news"
    states = []
    deploy_folder(new_site, folder, after=lambda step: states.append(folder.exists()))
    assert states == [False, True, True]
    assert contents(folder) == NEW
    assert beside(folder) == ["news"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_on_linux_the_system_swap_exchanges_two_folders_in_one_call(tmp_path):
    one, two = write(tmp_path / "one", {"a": "1"}), write(tmp_path / "two", {"b": "2"})
    system_swap()(one, two)
    assert contents(one) == {"b": "2"} and contents(two) == {"a": "1"}


def test_the_swap_keeps_a_folder_a_folder(tmp_path, new_site):
    folder = write(tmp_path / "www", OLD)
    deploy_folder(new_site, folder)
    assert folder.is_dir() and not folder.is_symlink()
    assert contents(folder) == NEW
    assert beside(folder) == ["staged", "www"]


def test_a_linked_folder_is_pointed_at_the_new_site_by_one_rename(tmp_path, new_site):
    folder = tmp_path / "www" / "news"
    write(tmp_path / "www" / "site-v1", OLD)
    folder.symlink_to("site-v1")
    deploy_folder(new_site, folder, swap=no_swap)  # a link needs no swap
    assert folder.is_symlink() and not os.path.isabs(os.readlink(folder))
    assert contents(folder) == NEW
    # The old site is gone; the new one sits beside the link, hidden.
    assert beside(folder) == [os.readlink(folder), "news"]


def test_where_nothing_can_swap_publishing_refuses_and_says_how(tmp_path, new_site):
    folder = write(tmp_path / "www", OLD)
    with pytest.raises(SwapUnavailable):
        deploy_folder(new_site, folder, swap=no_swap)
    assert contents(folder) == OLD
    assert beside(folder) == ["staged", "www"]
    with pytest.raises(PublishError) as refused:
        deploy(Target("folder", str(folder)), new_site, swap=no_swap)
    message = str(refused.value)
    assert "which is as it was" in message and "cannot swap two folders in one step" in message
    assert f"ln -s .www.release-1 {folder}" in message
    assert contents(folder) == OLD


def test_where_nothing_can_swap_an_empty_folder_is_still_replaced(tmp_path, new_site):
    folder = tmp_path / "www"
    folder.mkdir()
    deploy_folder(new_site, folder, swap=no_swap)
    assert contents(folder) == NEW


def test_a_file_system_that_refuses_the_swap_leaves_the_folder_as_it_was(tmp_path, new_site):
    folder = write(tmp_path / "www", OLD)

    def refused(_incoming: Path, target: Path) -> None:
        raise SwapUnavailable(22, "Invalid argument", str(target))  # as NFS answers

    with pytest.raises(SwapUnavailable):
        deploy_folder(new_site, folder, swap=refused)
    assert contents(folder) == OLD
    assert beside(folder) == ["staged", "www"]


WAIT_AT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {plugins!r})
from hearth_site.swap import deploy_folder

def after(step):
    if step == "copied":
        Path({ready!r}).touch()
        deadline = time.monotonic() + 60
        while not Path({go!r}).exists() and time.monotonic() < deadline:
            time.sleep(0.05)

deploy_folder(Path({site!r}), Path({folder!r}), after=after)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_second_publish_waits_for_the_first_instead_of_clearing_its_new_site(
    live, new_site, tmp_path
):
    ready, go = tmp_path / "ready", tmp_path / "go"
    script = WAIT_AT.format(
        plugins=str(ROOT / "plugins"),
        ready=str(ready),
        go=str(go),
        site=str(new_site),
        folder=str(live),
    )
    first = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)])
    try:
        _wait_for(ready)
        newer = write(tmp_path / "newer", {"index.html": "newer home"})
        second = threading.Thread(target=deploy_folder, args=(newer, live))
        second.start()
        second.join(timeout=1)
        assert second.is_alive()  # waiting for the first publish's lock
        assert contents(live) == OLD
        go.touch()
        assert first.wait(timeout=60) == 0
        second.join(timeout=60)
    finally:
        go.touch()
        first.wait(timeout=60)
    assert contents(live) == {"index.html": "newer home"}


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


class MacOSLibrary:
    """Stands for macOS's C library: renamex_np, and no renameat2."""

    def __init__(self, answer: int = 0) -> None:
        self.calls: list[tuple] = []

        def renamex_np(*args: object) -> int:
            self.calls.append(args)
            return answer

        self.renamex_np = renamex_np


def test_on_macos_the_swap_is_renamex_np_with_rename_swap(tmp_path):
    library = MacOSLibrary()
    system_swap(library)(tmp_path / "new", tmp_path / "www")
    assert library.calls == [(os.fsencode(tmp_path / "new"), os.fsencode(tmp_path / "www"), 2)]


@pytest.mark.parametrize(
    ("code", "error_type"),
    [(errno.ENOTSUP, SwapUnavailable), (errno.EINVAL, SwapUnavailable), (errno.EBUSY, OSError)],
)
def test_a_refused_swap_is_told_apart_from_another_failure(tmp_path, code, error_type):
    """ENOTSUP or EINVAL: this file system cannot swap (then the advice to use a link);
    anything else (EBUSY: a mount point) is an ordinary failure."""
    swap = system_swap(MacOSLibrary(answer=-1))
    ctypes.set_errno(code)
    with pytest.raises(error_type) as raised:
        swap(tmp_path / "new", tmp_path / "www")
    assert raised.value.errno == code and raised.value.filename == str(tmp_path / "www")
    assert type(raised.value) is error_type
