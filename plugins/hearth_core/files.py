"""Writing output files so that nobody ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from hearth_core.problems import Problem, problem


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    write_atomically_with(path, lambda handle: handle.write(data))


def write_atomically_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
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
    stats = [(str(path), path.stat()) for path in paths]
    return tuple(sorted((path, stat.st_size, stat.st_mtime_ns) for path, stat in stats))


def read_text_file(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text, or the problem that it is not UTF-8 (editors on Windows still save so)."""
    try:
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError:
        return None, [problem(path, 1, "", "is not UTF-8 text: save it as UTF-8")]
