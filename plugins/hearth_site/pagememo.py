"""A live preview writes again only the pages that would come out different.

A preview build still reads and checks everything; what it skips is rendering
and writing a page whose inputs equal those it was last written from. A page's
inputs are every name its template, and the templates it extends or includes,
can read (found in their source, so a new name in a template counts at once),
with the values the page would get, plus what all pages share: the settings,
the theme, today's date, and the header of every issue, page and static file
(an issue's links to others resolve through them).

Values are compared, not hashed. An issue is compared by everything Pelican and
the plugins attached to it; issues it refers to (the previous and next one) by
their header only, because a page shows no other issue's text. A value this
module cannot compare by content is compared by identity, which a new build
never repeats: its page is written, as it would be without the memo.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, meta
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

from hearth_core.fragments import theme_version
from hearth_core.pins import Pin
from hearth_core.state import build_state
from hearth_site.produced import ProducedFiles

PIN = Pin(
    "hearth_site/pagememo.py",
    "Writer (its private _written_files and _overridden_files)",
    "pelican",
    "Pelican",
    "4.12.0",
)

# What an issue's page never shows of another issue: its text, and what is made from it.
_BODY_FIELDS = frozenset({"issue", "summary", "summary_text"})
# Attributes of a content object that are not its own: shared by all pages, or other objects.
_SHARED_FIELDS = frozenset({"_context", "settings"})
_ABSENT = "<absent>"
_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})


def content_header(content: Content) -> tuple:
    """What another page may show of ``content``: its kind, file and metadata, not its text."""
    fields = _fields(content.metadata, _BODY_FIELDS)
    return (type(content).__name__, content.source_path, fields)


def _fields(values: Mapping[str, Any], leave_out: frozenset[str]) -> tuple:
    return tuple(
        (key, comparable(value, nested=True))
        for key, value in sorted(values.items())
        if key not in leave_out
    )


class Listing(Exception):
    """The value lists issues or pages, each of which may show its text."""


def comparable(value: Any, nested: bool = False, listed: bool = False) -> Any:
    """``value`` as plain data that compares equal across builds when it would render the same.

    ``nested`` is set inside a content object: another content object there counts by its header.
    Raises Listing for issues in a list (``listed``), such as an archive's: a page that lists
    them changes with any of them, and comparing them all costs about as much as writing it.
    """
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Content):
        if nested:
            return content_header(value)
        if listed:
            raise Listing
        return (type(value).__name__, _fields(vars(value), _SHARED_FIELDS))
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name, value.slug)
    if type(value) in (list, tuple):  # not named tuples: they compare by their own fields
        if value and hasattr(type(value[0]), "_fields"):
            return value  # records, such as a page's links: compared by their fields
        return tuple(comparable(item, nested, listed=True) for item in value)
    if isinstance(value, Mapping):
        return tuple((key, comparable(item, nested, listed)) for key, item in value.items())
    if callable(value) and getattr(value, "renders_only_its_arguments", False):
        return value.__qualname__  # a fragment renderer: its output follows its arguments
    return value


def template_names(env: Environment, name: str) -> frozenset[str] | None:
    """Every name the template ``name`` can read, with those it extends or includes;
    None when it includes a template chosen while rendering."""
    names: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source = env.loader.get_source(env, current)[0] if env.loader else ""
        tree = env.parse(source)
        names |= meta.find_undeclared_variables(tree)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            pending.append(referenced)
    return frozenset(names)


class PageMemo:
    """What each page of the last preview builds was written from, by output path."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[Any, tuple[int, int]]] = {}
        self._names: dict[tuple[bytes, str], frozenset[str] | None] = {}
        self._shared: tuple | None = None

    def shared(self, inputs: tuple) -> tuple:
        """The last build's own object when equal, so that each page compares it by identity."""
        if inputs != self._shared:
            self._shared = inputs
        return self._shared

    def names(self, env: Environment, theme: bytes, template: str) -> frozenset[str] | None:
        key = (theme, template)
        if key not in self._names:
            self._names[key] = template_names(env, template)
        return self._names[key]

    def unchanged(self, path: str, inputs: Any) -> bool:
        """True when ``path`` was written from ``inputs`` and nothing has touched it since."""
        last = self._pages.get(path)
        if last is None or last[0] != inputs:
            return False
        try:
            status = os.stat(path)
        except OSError:
            return False
        return (status.st_size, status.st_mtime_ns) == last[1]

    def wrote(self, path: str, inputs: Any) -> None:
        try:
            status = os.stat(path)
        except OSError:
            return  # not written after all: it will be next time
        self._pages[path] = (inputs, (status.st_size, status.st_mtime_ns))

    def forget(self, path: str) -> None:
        self._pages.pop(path, None)


class PreviewPages:
    """A part of the build state (``hearth_core.state``): what a preview's builds wrote."""

    def __init__(self) -> None:
        self.memo = PageMemo()
        # Each page the preview's builds wrote since the last one that finished.
        self.pages: set[str] = set()
        self.building: PreviewWriter | None = None


class PreviewWriter(Writer):
    """Pelican's writer, skipping the pages whose inputs are those they were last written from.

    Only a live preview's builds use it: one process, one output folder, build after build.
    """

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        super().__init__(output_path, settings=settings)
        self._shared: tuple | None = None
        self._state = build_state(settings).part(PreviewPages)
        if self._state.building is not None:  # a build that failed part way
            self._state.pages |= self._state.building._done()
        self._state.building = self

    def _done(self) -> set[str]:
        done = self._written_files | self._overridden_files
        return {path for path in done if Path(path).is_relative_to(self.output_path)}

    @staticmethod
    def remove_stale_pages(settings: dict[str, Any]) -> None:
        """After a build: remove the pages earlier builds wrote and this one did not (the
        page of a deleted issue, of a tag no issue has any more), as a fresh build would
        not have them."""
        state = build_state(settings).part(PreviewPages)
        writer, state.building = state.building, None
        if writer is None:
            return
        done = writer._done()
        for path in state.pages - done:
            state.memo.forget(path)
            _remove_with_empty_folders(Path(path), Path(writer.output_path))
        state.pages = done

    def write_file(
        self,
        name: str,
        template: Template,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        def write() -> None:
            super(PreviewWriter, self).write_file(
                name, template, context, relative_urls, paginated, template_name,
                override_output, url, **kwargs,
            )  # fmt: skip

        inputs = self._inputs(name, template, context, paginated, template_name, kwargs)
        if inputs is not None:
            inputs = (*inputs, relative_urls, url)
        if not name or inputs is None:
            write()
            return
        path = sanitised_join(self.output_path, name)
        # Pelican refuses two pages at one path: a page it has not seen yet this build
        # can be skipped, and counts as written, so that a second one is still refused.
        seen = path in self._written_files or path in self._overridden_files
        if not seen and self._state.memo.unchanged(path, inputs):
            build_state(self.settings).part(ProducedFiles).keep(path)
            self._written_files.add(path)
            if override_output:
                self._overridden_files.add(path)
            return
        self._state.memo.forget(path)  # written part way, it must not count as written
        write()
        self._state.memo.wrote(path, inputs)

    def _inputs(
        self,
        name: str,
        template: Template,
        context: dict[str, Any],
        paginated: dict | None,
        template_name: str | None,
        kwargs: dict[str, Any],
    ) -> tuple | None:
        if paginated is None:  # as Pelican decides: such a call may write several pages
            paginated = {key: kwargs[key] for key in ("articles", "dates") if key in kwargs}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return None
        if template.name is None:
            return None
        shared = self._shared_inputs(template.environment, context)
        names = self._state.memo.names(template.environment, shared[0], template.name)
        if names is None:
            return None
        try:
            read = tuple(
                (key, comparable(kwargs[key] if key in kwargs else context.get(key, _ABSENT)))
                for key in sorted(names)
            )
        except Listing:
            return None
        return (shared, template.name, name, read)

    def _shared_inputs(self, env: Environment, context: dict[str, Any]) -> tuple:
        # Once per build: the writer is made afresh for each.
        if self._shared is None:
            targets = {**context.get("generated_content", {}), **context.get("static_content", {})}
            self._shared = self._state.memo.shared(
                (
                    theme_version(env),
                    date.today(),
                    comparable(self.settings),
                    tuple((path, content_header(item)) for path, item in sorted(targets.items())),
                )
            )
        return self._shared


def _remove_with_empty_folders(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
