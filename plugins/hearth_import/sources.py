"""Which platform an export came from, and reading it with that platform's reader."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hearth_core.problems import display_path
from hearth_import.feed import read_feed
from hearth_import.fetch import Fetcher
from hearth_import.ghost import read_ghost
from hearth_import.model import FORMATS, Archive, ImportFailed
from hearth_import.substack import read_substack
from hearth_import.wordpress import read_wordpress


def recognise(source: str) -> str:
    """The format of ``source``, from what it holds, not from its name."""
    if source.startswith(("http://", "https://")):
        return "feed"
    path = Path(source)
    if path.is_dir():
        if (path / "posts.csv").is_file() or any(path.glob("*/posts.csv")):
            return "substack"
        raise ImportFailed(
            f"{display_path(path)}: is a folder without posts.csv: give a Substack export's "
            "folder, or a Ghost, WordPress or feed file"
        )
    _check_kind(path, source)
    with path.open("rb") as handle:
        start = handle.read(4096)
    if start.startswith(b"PK") or path.suffix.lower() == ".zip":
        return "substack"
    text = start.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return "feed" if "jsonfeed.org" in text else "ghost"
    if "wordpress.org/export/" in text:
        return "wordpress"
    return "feed"


def read_archive(source: str, fmt: str, fetcher: Fetcher, old_url: str = "") -> Archive:
    """``source`` read as ``fmt``; when that fails and it looks like another format,
    the message says which (a wrong ``--format`` otherwise reads as a broken file)."""
    try:
        return _read(source, fmt, fetcher, old_url)
    except ImportFailed as failed:
        try:
            looks = recognise(source) if fmt in FORMATS else fmt
        except ImportFailed:
            looks = fmt
        if looks == fmt:
            raise
        raise ImportFailed(
            f"{failed}\n{source} looks like a {looks} export: leave out --format, "
            f"or give --format {looks}"
        ) from None


def _read(source: str, fmt: str, fetcher: Fetcher, old_url: str) -> Archive:
    if fmt not in FORMATS:
        raise ImportFailed(f"--format {fmt!r} is not one Hearth reads: use {', '.join(FORMATS)}")
    path = Path(source)
    if not source.startswith(("http://", "https://")):
        _check_kind(path, source)
    if fmt == "feed":
        if path.is_dir():
            raise ImportFailed(f"{display_path(path)}: is a folder: give the feed's file")
        return read_feed(source, fetcher)
    if fmt == "substack":
        if path.is_file() and not zipfile.is_zipfile(path):
            raise ImportFailed(
                f"{display_path(path)}: is not a zip file (broken, or not Substack's export): "
                "download the export again, or unpack it and give its folder"
            )
        return read_substack(path)
    if path.is_dir():
        raise ImportFailed(f"{display_path(path)}: is a folder: give the export's file")
    return read_ghost(path, old_url) if fmt == "ghost" else read_wordpress(path)


def _check_kind(path: Path, source: str) -> None:
    """A file or a folder: a device or a pipe (/dev/zero, /dev/stdin, a FIFO) would be
    read without end, or wait for ever."""
    if not path.exists():
        raise ImportFailed(f"{source}: there is no such file or folder")
    if not (path.is_file() or path.is_dir()):
        raise ImportFailed(
            f"{source}: is not a file or a folder (a device or a pipe): give the export's file"
        )
