"""Writing output files so that nobody ever sees half of one."""

from __future__ import annotations

import fnmatch
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from hearth_core.json_limits import JsonRefused, loads_bounded
from hearth_core.problems import Problem, display_path, problem


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    write_atomically_with(path, lambda handle: handle.write(data))


def write_atomically_with(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """``write_atomically``, for data that ``write`` writes to the file bit by bit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        try:
            write(handle)
        except BaseException:
            os.unlink(handle.name)
            raise
    try:
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        # A full disk or a killed task must not leave ".activity.json.x1y2" litter behind.
        os.unlink(handle.name)
        raise


def replace_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already holds it; return whether it changed.

    Committed data files stay untouched (mtime included) when nothing moved.
    """
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomically(path, text.encode("utf-8"))
    return True


def authored_files(directory: Path) -> list[Path]:
    """What people put in ``directory``, without templates (``_*``), hidden files and litter."""
    if not directory.is_dir():
        return []
    return [
        path
        for path in sorted(directory.iterdir())
        if not path.name.startswith(("_", ".", "#")) and not path.name.endswith("~")
    ]


def folder_state(directory: Path, recursive: bool = False) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, size and time of change: equal only while no file there changed."""
    if not directory.is_dir():
        return ()
    paths = directory.rglob("*") if recursive else directory.iterdir()
    # lstat: an editor's lock (".#ada.yml") links to nowhere; any other link is refused.
    stats = [(str(path), path.lstat()) for path in paths]
    return tuple(sorted((path, stat.st_size, stat.st_mtime_ns) for path, stat in stats))


# Bounds for a file a person wrote: far above any real one, far below what would
# stall a check. Each kind of file passes its own (a member file, a thread file...).
MAX_TEXT_BYTES = 4 * 1024 * 1024


def read_text_file(
    path: Path, *, max_bytes: int = MAX_TEXT_BYTES
) -> tuple[str | None, list[Problem]]:
    """The file's text, or the problem that stops it being read, naming the file.

    Only a regular file is read: a symbolic link could make another member's file
    pass as a second member, or read a file from outside the project; a FIFO or a
    device would hang the check or never end. The size is checked before reading.
    """
    try:
        data = _read_regular(path, max_bytes)
    except _Refused as refused:
        return None, [problem(path, 1, "", str(refused))]
    try:
        # Editors on Windows still save in other encodings.
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [problem(path, line, "", "is not UTF-8 text: save it as UTF-8")]


class _Refused(Exception):
    """Why a file is not read, in words for its author."""


def _read_regular(path: Path, max_bytes: int) -> bytes:
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        raise _Refused(f"cannot be read ({error.strerror}): check the file") from None
    _check_kind(path, mode)
    # O_NOFOLLOW and the second check close the gap between lstat and open; O_NONBLOCK
    # keeps a FIFO put there in the meantime from holding the open.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise _Refused(f"cannot be read ({error.strerror}): check the file") from None
    with os.fdopen(descriptor, "rb") as handle:
        _check_kind(path, os.fstat(descriptor).st_mode)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _Refused(
            f"is over the limit of {max_bytes // 1024} KiB for this kind of file: "
            "split it or shorten it"
        )
    return data


def _check_kind(path: Path, mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise _Refused(f"is a symbolic link{_target(path)}: {_REAL_FILES}")
    if not stat.S_ISREG(mode):
        raise _Refused(f"is not a regular file: {_REAL_FILES}")


_REAL_FILES = "content is read from real files only: put a copy of the file here, or remove it"


def _target(path: Path) -> str:
    try:
        return f" to {display_path(path.parent / path.readlink())}"
    except OSError:
        return ""


def unsafe_entries(root: Path, ignored: Iterable[str] = ()) -> list[Problem]:
    """Every symbolic link and every file that is not a regular file under ``root``.

    Pelican follows links and reads whatever it finds, so a link anywhere under
    content/ (a folder of images, a linked folder of issues) is refused by name,
    as is a FIFO or a socket, which would hang the build. Names matching an
    ``ignored`` pattern (Pelican's IGNORE_FILES, such as an editor's ``.#`` lock
    link) are read by nobody and left alone.
    """
    patterns = tuple(ignored)
    problems: list[Problem] = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not _ignored(name, patterns)]
        for name in folders + files:
            path = Path(folder, name)
            try:
                mode = os.lstat(path).st_mode
                if not stat.S_ISDIR(mode) and not _ignored(name, patterns):
                    _check_kind(path, mode)
            except _Refused as refused:
                problems.append(problem(path, 1, "", str(refused)))
            except OSError:
                continue  # gone since the walk listed it
    return problems


def _ignored(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def read_json_object(
    path: Path, key: str, shape: str, *, max_bytes: int = MAX_TEXT_BYTES, then: str = ""
) -> tuple[str, dict[str, Any] | None, list[Problem]]:
    """A committed JSON file's text and the object under ``key``, or the problem that
    stops it being read: the file's line, and how to restore it (``then``: the task
    that writes it again). ``shape`` shows what the object must look like."""
    text, unreadable = read_text_file(path, max_bytes=max_bytes)
    if text is None:
        return "", None, unreadable
    try:
        data = loads_bounded(text)
    except JsonRefused as error:
        restore = f"`git checkout {display_path(path)}`" + (f" and run `{then}`" if then else "")
        message = f"invalid JSON: {error}; fix it by hand, or restore it with {restore}"
        return text, None, [problem(path, error.line, "", message)]
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return text, None, [problem(path, 1, key, f"must be an object: {shape}")]
    return text, found, []
