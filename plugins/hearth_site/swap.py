"""The folder target: put a checked site in place of the served one in one atomic step.

A web server looks each request's path up afresh, so whatever instant a request falls on,
the folder must hold one whole site, old or new. Two renames (old site away, new site in)
leave a moment with no folder at all, and an interrupt between them leaves none for good.
So the switch is always a single system call:

- the folder does not exist yet (the first publish): one rename puts the new site there;
- the folder is a real folder: the kernel swaps the new site and the old one in one call,
  ``renameat2(RENAME_EXCHANGE)`` on Linux (3.15 and later) or ``renamex_np(RENAME_SWAP)``
  on macOS (APFS). The folder stays a folder, so no web server setting changes;
- the folder is a symbolic link to the site: the new site goes beside it and one rename
  replaces the link. That works on every POSIX system and file system, which is the way
  out where a swap is not available (another system, or a file system such as NFS that
  refuses it); the web server must then follow symbolic links (nginx does by default,
  Apache with ``Options FollowSymLinks``).

Where none of these is possible, publishing refuses and says how to set up the link:
it never falls back to a gap. Whatever is left behind by an interrupted publish is a
hidden ``.NAME.new-*`` or ``.NAME.release-*`` folder beside the site, never the site
itself, and the next publish removes it. Two publishes to one folder run one after the
other (a lock on the folder's parent), so neither takes the other's new site for a leftover.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # Linux, <linux/fs.h>
RENAME_SWAP = 2  # macOS, <stdio.h>
# The kernel or the file system cannot swap: the folder is then left as it was.
NO_SWAP = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}

# Swaps two folders' names in one step.
Swap = Callable[[Path, Path], None]
# Called after each step with its name ("copied", "switched", "removed"): a test stops a
# publish there to see that the folder holds a whole site whenever it is interrupted.
Step = Callable[[str], None] | None


class SwapUnavailable(OSError):
    """This system or file system cannot swap two folders in one step."""


def system_swap(libc: Any = None) -> Swap:
    """This system's way to swap two paths in one system call, or one that says there is none.

    ``libc``: the C library to look in (the process's own by default).
    """
    if libc is None:
        if sys.platform == "win32":  # no call swaps two folders there
            return no_swap
        libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)  # glibc 2.28+, musl 1.2.4+
    if renameat2 is not None:
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        renameat2.argtypes += [ctypes.c_uint]
        return lambda a, b: _call(renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
    renamex_np = getattr(libc, "renamex_np", None)  # macOS 10.12+
    if renamex_np is not None:
        renamex_np.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        return lambda a, b: _call(renamex_np, a, b, RENAME_SWAP)
    return no_swap


def no_swap(_incoming: Path, folder: Path) -> None:
    raise SwapUnavailable(errno.ENOSYS, "this system cannot swap two folders", str(folder))


def _call(function: Callable[..., int], *args: object) -> None:
    encoded = [os.fsencode(arg) if isinstance(arg, Path) else arg for arg in args]
    if function(*encoded) != 0:
        code = ctypes.get_errno()
        error_type = SwapUnavailable if code in NO_SWAP else OSError
        raise error_type(code, os.strerror(code), str(args[-2]))


def deploy_folder(
    site: Path, folder: Path, *, swap: Swap | None = None, after: Step = None
) -> None:
    """Make ``folder`` serve a copy of ``site``; OSError leaves it serving the old one.

    ``swap`` exchanges two folders in one step (this system's by default); ``after`` is
    called with each step's name once it is done.
    """
    after = after or (lambda _step: None)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _one_publish_at_a_time(folder.parent):
        remove_leftovers(folder)
        if folder.is_symlink():
            _relink(site, folder, after)
        else:
            _swap_in(site, folder, swap or system_swap(), after)


@contextmanager
def _one_publish_at_a_time(parent: Path) -> Iterator[None]:
    """Hold a lock on the folder's parent: a second publish waits rather than clear away
    the first one's new site as a leftover. Where there is no flock (Windows), nothing."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        with suppress(OSError):  # a file system without locks (some NFS): no lock
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # which releases the lock


def _swap_in(site: Path, folder: Path, swap: Swap, after: Callable[[str], None]) -> None:
    incoming = folder.with_name(f".{folder.name}.new-{_token()}")
    try:
        shutil.copytree(site, incoming)
        after("copied")
        if folder.exists():
            _exchange(swap, incoming, folder)  # from here `incoming` holds the old site
        else:
            os.rename(incoming, folder)  # atomic: the folder appears whole
        after("switched")
    finally:
        # The old site once the swap is done; the partial copy if it failed.
        shutil.rmtree(incoming, ignore_errors=True)
    after("removed")


def _exchange(swap: Swap, incoming: Path, folder: Path) -> None:
    try:
        swap(incoming, folder)
    except SwapUnavailable:
        if not folder.is_dir() or any(folder.iterdir()):
            raise
        # An empty folder serves nothing yet, and rename replaces it in one step.
        os.replace(incoming, folder)


def _relink(site: Path, link: Path, after: Callable[[str], None]) -> None:
    """Put ``site`` beside the link and point the link at it with one rename."""
    old_text = os.readlink(link)
    old_target = link.parent / old_text
    release = link.with_name(f".{link.name}.release-{_token()}")
    temporary = link.with_name(f".{link.name}.link-{_token()}")
    try:
        shutil.copytree(site, release)
        after("copied")
        # Written as the old link was: relative links survive moving the whole tree.
        os.symlink(release if os.path.isabs(old_text) else release.name, temporary)
        os.replace(temporary, link)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        temporary.unlink(missing_ok=True)
        raise
    after("switched")
    if old_target.is_dir() and not old_target.is_symlink():
        shutil.rmtree(old_target, ignore_errors=True)
    after("removed")


def remove_leftovers(folder: Path) -> None:
    """Remove what an interrupted publish left beside ``folder``, never what it serves."""
    live = folder.resolve()
    for prefix in (f".{folder.name}.new-", f".{folder.name}.release-", f".{folder.name}.link-"):
        for path in folder.parent.glob(f"{_escape_glob(prefix)}*"):
            if path.is_symlink():
                path.unlink(missing_ok=True)
            elif path.resolve() != live:
                shutil.rmtree(path, ignore_errors=True)


def swap_advice(folder: Path) -> str:
    """What to do where the folder cannot be swapped in one step."""
    release = folder.with_name(f".{folder.name}.release-1")
    if sys.platform == "win32":
        return "publish with the rsync or gh-pages target instead"
    return (
        f"make {folder} a symbolic link to the site, and Hearth replaces the link in one "
        f"step: mv {folder} {release} && ln -s {release.name} {folder} (the web server must "
        "follow symbolic links), or publish with the rsync target"
    )


def _escape_glob(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _token() -> str:
    return f"{os.getpid()}-{secrets.token_hex(4)}"
