"""Pelican's warnings and errors, said the way Hearth says a problem: ``file:line: what to do``.

Every warning Pelican or Python-Markdown logs during a build fails it (README): a build
that "worked" with a broken link is not published by accident. `invoke check` finds what
Pelican would warn about first (``hearth_site.check``); this is for the rest, and for what
changed between the check and Pelican's reading. Each of Pelican 4.12's warnings a build
can reach (its ``logger.warning`` and ``logger.error`` calls in readers, contents,
generators, utils, urlwrappers, cache and __init__) gets a message of its own, matched on
Pelican's format string; any other falls back to the file it names, or to the settings.

While Pelican runs, its records go to Hearth alone: rich's console would print each one
first, wrapped to the terminal's width, and Pelican's duplicate filter would drop the same
warning in a live preview's next build, and every image past the fifth without alt text.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pelican.log import LimitLogger

from hearth_core.problems import Problem, display_path, problem

SETTINGS_FILE = "pelicanconf.py"


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def pelican_log() -> Iterator[list[logging.LogRecord]]:
    """Every warning and error logged inside, kept and not printed."""
    recorder = _Recorder()
    root = logging.getLogger()
    printing = root.handlers[:]
    limited = [
        each for each in logging.Logger.manager.loggerDict.values() if isinstance(each, LimitLogger)
    ]
    root.handlers = [recorder]
    for each in limited:
        each.disable_filter()
    try:
        yield recorder.records
    finally:
        for each in limited:
            each.enable_filter()
        root.handlers = printing


@dataclass(frozen=True)
class Site:
    """What a message needs to find the file and line a record is about."""

    content: Path
    documents: tuple[Path, ...]

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Site:
        content = Path(settings["PATH"]).resolve()
        folders = [*settings.get("ARTICLE_PATHS", ()), *settings.get("PAGE_PATHS", ())]
        found = sorted({p for f in folders for p in (content / f).rglob("*.md") if p.is_file()})
        return cls(content, tuple(found))

    @cached_property
    def texts(self) -> dict[Path, list[str]]:
        texts = {}
        for path in self.documents:
            try:
                texts[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
        return texts

    def path(self, named: object) -> Path | None:
        """The file a record's argument names, absolute or in the content folder."""
        if not isinstance(named, (str, os.PathLike)) or not str(named).strip():
            return None
        given = Path(named)
        for candidate in (given, self.content / given, Path.cwd() / given):
            try:
                if candidate.exists():
                    return candidate.resolve()
            except (OSError, ValueError):
                continue
        return None

    def line_in(self, path: Path, *needles: str) -> int:
        """The first line of ``path`` holding every one of ``needles``; else 1."""
        return self.line_with(path, *needles) or 1

    def line_with(self, path: Path, *needles: str) -> int | None:
        for number, line in enumerate(self.texts.get(path) or _lines(path), start=1):
            if all(needle in line for needle in needles):
                return number
        return None

    def find(self, needle: str) -> tuple[Path, int] | None:
        """The first issue or page, and line, that holds ``needle``."""
        for path, lines in self.texts.items():
            for number, line in enumerate(lines, start=1):
                if needle in line:
                    return path, number
        return None


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def one_line(text: str) -> str:
    """A message on one line: Pelican splits some over several, with tabs."""
    return re.sub(r"\s*\n\s*", "; ", str(text)).strip()


Translate = Callable[[tuple[Any, ...], Site], Problem | None]


def _empty_alt(args: tuple[Any, ...], site: Site) -> Problem | None:
    name, path = args
    source = site.path(path)
    if source is None:
        return None
    line = site.line_with(source, str(name), "![]") or site.line_in(source, str(name))
    return problem(
        source,
        line,
        "image",
        f"the image {name} has no alt text: describe what it shows between the brackets, "
        "![what the image shows](...), or in the alt attribute of an <img> tag",
    )


def _unresolved(args: tuple[Any, ...], site: Site) -> Problem | None:
    (url,) = args
    found = site.find("}" + str(url))
    if found is None:
        return None
    path, line = found
    return problem(
        path,
        line,
        "link",
        f"{url} names no issue, page or file in {site.content.name}/: a path starting "
        "with / starts there, any other starts in this file's folder; check its spelling",
    )


def _filename_for_static(args: tuple[Any, ...], site: Site) -> Problem | None:
    target, source = args
    path = site.path(source)
    if path is None:
        return None
    return problem(
        path,
        site.line_in(path, "{filename}", str(target)),
        "link",
        f"{{filename}}{target} is a file, not an issue or page: write {{static}} instead",
    )


def _unknown_link(args: tuple[Any, ...], site: Site) -> Problem | None:
    what, written = args
    found = site.find(str(written))
    if found is None:
        return None
    return problem(
        *found,
        "link",
        f"{{{what}}} is not a link Pelican knows: write {{filename}} before the path of "
        "an issue or page, {static} before a file's, or a plain address",
    )


def _attach(args: tuple[Any, ...], site: Site) -> Problem | None:
    source, target, _reason = args
    path = site.path(source)
    if path is None:
        return None
    return problem(
        path,
        site.line_in(path, "{attach}"),
        "link",
        f"{{attach}} moves {Path(str(target)).name} next to one page, and another page "
        "links it already: link it with {static} here",
    )


NOT_READ = "Pelican could not read this file: run `invoke check` for what is wrong with it"


def _not_read(args: tuple[Any, ...], site: Site) -> Problem | None:
    path = site.path(args[0])
    if path is None:
        return None
    return problem(path, 1, "", NOT_READ)


def _missing_file(args: tuple[Any, ...], site: Site) -> Problem | None:
    missing = Path(str(args[0]))
    try:
        shown = missing.resolve().relative_to(site.content).as_posix()
    except ValueError:
        shown = missing.name
    found = site.find(shown)
    if found is None:
        return None
    return problem(
        *found,
        "link",
        f"{shown} is not in {site.content.name}/: add the file, or correct the link",
    )


def _same_address(args: tuple[Any, ...], site: Site) -> Problem | None:
    # 'There are %s items "%s" with lang %s: \n%s\n%s': the count, "with slug "x"", the
    # language, then each file.
    paths = [p for p in map(site.path, args[3:]) if p is not None]
    if len(paths) < 2:
        return None
    first, *others = sorted(paths)
    return problem(
        others[0],
        1,
        "",
        f"this file and {display_path(first)} have one address ({args[1]}): rename one",
    )


def _skipped(args: tuple[Any, ...], site: Site) -> Problem | None:
    path = site.path(getattr(args[0], "source_path", args[0]))
    if path is None:
        return None
    return problem(path, 1, "", f"Pelican left this file out: {one_line(args[1])}")


# Pelican 4.12's format strings, each with what to say instead.
TRANSLATIONS: dict[str, Translate] = {
    "Empty alt attribute for image %s in %s": _empty_alt,
    "Unable to find '%s', skipping url replacement.": _unresolved,
    "{filename} used for linking to static content %s in %s. Use {static} instead": (
        _filename_for_static
    ),
    "Replacement Indicator %r not recognized in %r, skipping replacement": _unknown_link,
    "The {attach} link in %s cannot relocate %s because %s. Falling back to "
    "{filename} link behavior instead.": _attach,
    "Could not process %s": _not_read,
    "Cannot get modification stamp for %s\n\t%s": _missing_file,
    "Skipping %s: could not find information about '%s'": _skipped,
    "Skipping %s: file %r would be written outside output path": _skipped,
}
SAME_ADDRESS = 'There are %s items "%s" with lang %s: '


def translate(record: logging.LogRecord, site: Site) -> Problem:
    """One record as a Problem: Pelican's own message where it has one, else the file
    the record names (or the settings) at line 1, with Pelican's words on one line."""
    args = record.args if isinstance(record.args, tuple) else ()
    if len(args) == 1 and isinstance(args[0], Problem):  # Hearth's reader, already said
        return args[0]
    template = str(record.msg)
    special = _translation(template)
    found = None
    if special is not None:
        try:
            found = special(args, site)
        except (TypeError, ValueError):  # arguments not as Pelican 4.12 gives them
            found = None
    return found or generic(record, site)


def _translation(template: str) -> Translate | None:
    if template.startswith(SAME_ADDRESS):
        return _same_address
    return TRANSLATIONS.get(template)


def generic(record: logging.LogRecord, site: Site) -> Problem:
    """A record no message is written for: at the file it names, else the settings."""
    args = record.args if isinstance(record.args, tuple) else ()
    message = one_line(record.getMessage())
    # A file among the arguments, or at the start of a message made whole beforehand
    # ("content/pages/x.rst: ..." of a reader that is turned off).
    named_files = [getattr(arg, "source_path", arg) for arg in args]
    named_files += re.findall(r"^(\S+?):\s", message)
    for named in named_files:
        path = site.path(named)
        if path is not None and path.is_file():
            return problem(path, 1, "", f"Pelican: {message}")
    named = re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", message)
    settings = Path(SETTINGS_FILE).resolve()
    line = site.line_in(settings, named[0]) if named else 1
    return problem(settings, line, "", f"Pelican: {message}")


def logged_problems(
    records: list[logging.LogRecord],
    settings: Mapping[str, Any],
    drafts: Collection[Path] = (),
) -> tuple[list[Problem], list[Problem]]:
    """The problems ``records`` say: those that fail the build, and those in drafts,
    which never do. Pelican's "Could not process" after Hearth's reader said why is
    dropped: the reader's own problems name the file and line."""
    if not records:
        return [], []
    site = Site.of(settings)
    ignored = {(level, str(text)) for level, text in settings.get("LOG_FILTER", ())}
    kept = [r for r in records if (r.levelno, str(r.msg)) not in ignored]
    said = {translate(record, site) for record in kept}
    # The files Hearth's reader refused, each problem said with its line.
    refused = {Path(p.path).resolve() for r in kept for p in _reader_problems(r)}
    problems = sorted(
        p for p in said if not (p.message == NOT_READ and Path(p.path).resolve() in refused)
    )
    in_drafts = [p for p in problems if Path(p.path).resolve() in drafts]
    return [p for p in problems if p not in in_drafts], in_drafts


def _reader_problems(record: logging.LogRecord) -> list[Problem]:
    args = record.args if isinstance(record.args, tuple) else ()
    return [arg for arg in args if isinstance(arg, Problem)]
