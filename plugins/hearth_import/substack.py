"""A Substack export: ``posts.csv`` and ``posts/<id>.<slug>.html``, zipped or unpacked."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hearth_core.problems import display_path
from hearth_import.model import Archive, ImportFailed, Post, shown

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_substack(source: Path) -> Archive:
    """Every post in the export: published ones as issues, the others as drafts."""
    read = _zip_reader(source) if source.is_file() else _folder_reader(source)
    name = display_path(source)
    rows = _rows(read, name)
    archive = Archive(hosts={"*.substack.com"})
    for row in rows:
        post_id = (row.get("post_id") or "").strip()
        title = " ".join((row.get("title") or "").split())
        where = f"{name}: posts.csv: post {shown(post_id) or '(no post_id)'}"
        where += f' "{shown(title)}"' if title else ""
        try:
            archive.posts.append(_post(row, post_id, read, where))
        except (ValueError, KeyError, OSError) as error:
            archive.problems.append(f"{where}: {error}")
    return archive


def _rows(read: Callable[[str], bytes], name: str) -> list[dict[str, str]]:
    try:
        text = read("posts.csv").decode("utf-8-sig")
    except KeyError:
        raise ImportFailed(
            f"{name}: there is no posts.csv in it: give the zip Substack's export sent you, "
            "or the folder it unpacks to"
        ) from None
    except UnicodeDecodeError:
        raise ImportFailed(f"{name}: posts.csv is not UTF-8 text") from None
    except ValueError as error:  # too large, or outside the export's folder
        raise ImportFailed(f"{name}: {error}") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:  # a field over the csv module's limit, a stray NUL...
        raise ImportFailed(f"{name}: posts.csv cannot be read as CSV ({error})") from None
    if rows and "post_id" not in rows[0]:
        raise ImportFailed(f"{name}: posts.csv has no post_id column: is it Substack's?")
    return rows


def _post(row: dict[str, str], post_id: str, read: Callable[[str], bytes], where: str) -> Post:
    _, _, slug = post_id.partition(".")
    if not slug:
        raise ValueError("its post_id has no slug after the number: is posts.csv Substack's?")
    published = (row.get("is_published") or "").strip().lower() == "true"
    try:
        html = read(f"posts/{post_id}.html").decode("utf-8", "replace")
    except KeyError:
        raise ValueError(f"posts/{post_id}.html is missing from the export") from None
    title = " ".join((row.get("title") or "").split())
    return Post(
        key=f"substack:/p/{slug}",
        old_path=f"/p/{slug}",
        title=title,
        date=_date(row.get("post_date") or row.get("email_sent_at") or "", published),
        html=html,
        slug=slug,
        where=where,
        summary=" ".join((row.get("subtitle") or "").split()),
        draft=not published,
    )


def _date(value: str, published: bool) -> datetime | None:
    value = value.strip()
    if not value:
        if published:
            raise ValueError("it has no post_date: write the date it was sent in posts.csv")
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"its post_date {value[:40]!r} is not a date") from None


def _zip_reader(source: Path) -> Callable[[str], bytes]:
    try:
        archive = zipfile.ZipFile(source)
        names = {_inner(name): name for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFailed(
            f"{display_path(source)}: cannot be read as a zip ({error}): download the export "
            "again, or unpack it and give its folder"
        ) from None

    def read(name: str) -> bytes:
        info = archive.getinfo(names[name])
        if info.file_size > MAX_FILE_BYTES:
            raise ValueError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ValueError(f"{name} cannot be read from the zip ({error})") from None

    return read


def _inner(name: str) -> str:
    """A member's name without the folder Substack sometimes puts everything in."""
    parts = name.split("/")
    return "/".join(parts[1:]) if len(parts) > 1 and parts[0] not in ("posts",) else name


def _folder_reader(source: Path) -> Callable[[str], bytes]:
    if not (source / "posts.csv").is_file():
        # The folder the zip unpacked into, around the export's own.
        source = next((found.parent for found in sorted(source.glob("*/posts.csv"))), source)

    inside = source.resolve()

    def read(name: str) -> bytes:
        path = source / name
        if not path.is_file():
            raise KeyError(name)
        if not path.resolve().is_relative_to(inside):
            # A post_id of "1.x/../../../.ssh/key", or a link an unpacked zip left there:
            # what the export names must come from the export, never from elsewhere.
            raise ValueError(f"{name} is outside the export's folder: it is not read")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
        return path.read_bytes()

    return read
