"""Problems found in content, reported as ``path:line: field: message``."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hearth_core.errors import HearthError


def display_path(path: str | Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it.

    Authors run tasks from the project root, so ``content/issues/0003-x.md`` is
    what they can paste into their editor.
    """
    # The folder is resolved, not the name: a symbolic link is named, not its target.
    resolved = Path(path).parent.resolve() / Path(path).name
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file, and what to do about it."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


def problem(path: str | Path, line: int, field: str, message: str) -> Problem:
    """Build a :class:`Problem` with the path shown the way authors type it."""
    return Problem(display_path(path), line, field, message)


class ProblemReport:
    """The problems of one file; every check adds to it and carries on."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def add(self, line: int, field: str, message: str) -> None:
        self.problems.append(problem(self.path, line, field, message))


class ContentError(HearthError):
    """Content that cannot be built; carries every problem found, one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def template_error_message(error: Exception) -> str:
    """Where a Jinja2 template failed and why: ``theme/templates/base.html:3: template ...``.

    A syntax error carries its template and line; an error while rendering (an undefined
    name, a missing include) is found in the traceback, where Jinja2 puts each template's
    own file and line.
    """
    from jinja2 import TemplateNotFound

    path, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    kind = "template syntax error" if path and line else "template error"
    if not path:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if _is_template(f)]
        if frames:
            path, line = frames[-1].filename, frames[-1].lineno
    if isinstance(error, TemplateNotFound):
        message = f"{error.name} is not among the theme's templates"
    else:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
    if not path:
        return f"{kind}: {message}"
    return str(problem(path, line or 0, "", f"{kind}: {message}"))


def _is_template(frame: traceback.FrameSummary) -> bool:
    return not frame.filename.endswith(".py") and not frame.filename.startswith("<")
