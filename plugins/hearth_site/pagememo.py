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

from hearth_core.cachekey import build_key
from hearth_core.fragments import theme_version
from hearth_core.pins import Pin
from hearth_core.state import build_state
from hearth_core.stored import CODE_VERSION, load_stored, store
from hearth_site.pagedigest import Records, digest
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
# Each page the last `invoke build` wrote, with its inputs' digest: StoredPageMemo.
PAGES_STORED = "hearth-pages.pickle"
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

    def shared(self, theme: bytes, settings: Mapping[str, Any], headers: tuple) -> Any:
        """What all pages share: the last build's own object when equal, so that each
        page compares it by identity."""
        inputs = (theme, date.today(), comparable(settings), headers)
        if inputs != self._shared:
            self._shared = inputs
        return self._shared

    def key(self, inputs: tuple) -> Any:
        """What ``unchanged`` and ``wrote`` compare: here the inputs themselves."""
        return inputs

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


class StoredPageMemo(PageMemo):
    """What each page of the last `invoke build` was written from, kept in the cache.

    A fresh process has no last build's values to compare with, only what it stored:
    a digest of each page's inputs (``hearth_site.pagedigest``), which stands for
    them only where it is equal from one process to the next exactly when they are.
    What all pages share adds the build key (Hearth's code, the libraries, the theme,
    every plugin and the settings: ``hearth_core.cachekey``). A page whose inputs have
    no such digest is written, and not recorded.
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        super().__init__()
        self._file = Path(settings["CACHE_PATH"], PAGES_STORED)
        self._key = (PAGES_STORED, os.path.abspath(settings["OUTPUT_PATH"]))
        stored = load_stored(self._file, self._key, settings)
        if isinstance(stored, tuple) and len(stored) == 2:
            self._last, self._names = stored
        else:
            self._last = {}
        self._names_stored = dict(self._names)
        # Each record's digest, made once for all the pages that read it.
        self._records: Records = {}

    def shared(self, theme: bytes, settings: Mapping[str, Any], headers: tuple) -> Any:
        return digest((theme, date.today(), build_key(settings, CODE_VERSION), headers))

    def key(self, inputs: tuple) -> Any:
        (_theme, shared), template, name, read, *options = inputs
        if shared is None:
            return None
        return digest((shared, template, name, read, *options), self._records)

    def unchanged(self, path: str, inputs: Any) -> bool:
        last = self._last.get(os.path.abspath(path))
        if inputs is None or last is None or last[0] != inputs:
            return False
        try:
            status = os.stat(path)
        except OSError:
            return False
        if (status.st_size, status.st_mtime_ns) != last[1]:
            return False
        self._pages[os.path.abspath(path)] = last
        return True

    def wrote(self, path: str, inputs: Any) -> None:
        if inputs is not None:
            super().wrote(os.path.abspath(path), inputs)

    def forget(self, path: str) -> None:
        super().forget(os.path.abspath(path))

    def store(self) -> None:
        """Keep the pages this build wrote or kept, when any differ from the last."""
        if self._pages != self._last or self._names != self._names_stored:
            store(self._file, self._key, (self._pages, self._names))


class PreviewPages:
    """A part of the build state (``hearth_core.state``): what a preview's builds wrote."""

    def __init__(self) -> None:
        self.memo = PageMemo()
        # Each page the preview's builds wrote since the last one that finished.
        self.pages: set[str] = set()
        self.building: PreviewWriter | None = None
        # A one-off build's memo, read from the cache: stored when the build ends.
        self.stored: StoredPageMemo | None = None


class PreviewWriter(Writer):
    """Pelican's writer, skipping the pages whose inputs are those they were last written from.

    A live preview's builds compare the inputs themselves, kept in its process from
    build to build; `invoke build` compares their digests with those the last build
    stored in the cache (``StoredPageMemo``).
    """

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        super().__init__(output_path, settings=settings)
        self._shared: tuple | None = None
        self._state = build_state(settings).part(PreviewPages)
        self._memo: PageMemo = self._state.memo
        if not settings.get("HEARTH_PREVIEW"):
            # A one-off build: what its pages were written from is stored for the next,
            # and the pages earlier builds left are removed by hearth_site.produced.
            self._memo = self._state.stored = StoredPageMemo(settings)
            return
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
        stored, state.stored = state.stored, None
        if stored is not None:
            stored.store()
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
        if not name or inputs is None:
            write()
            return
        key = self._memo.key((*inputs, relative_urls, url))
        path = sanitised_join(self.output_path, name)
        # Pelican refuses two pages at one path: a page it has not seen yet this build
        # can be skipped, and counts as written, so that a second one is still refused.
        seen = path in self._written_files or path in self._overridden_files
        if not seen and self._memo.unchanged(path, key):
            build_state(self.settings).part(ProducedFiles).keep(path)
            self._written_files.add(path)
            if override_output:
                self._overridden_files.add(path)
            return
        self._memo.forget(path)  # written part way, it must not count as written
        write()
        self._memo.wrote(path, key)

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
        names = self._memo.names(template.environment, shared[0], template.name)
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
            headers = tuple((path, content_header(item)) for path, item in sorted(targets.items()))
            theme = theme_version(env)
            self._shared = (theme, self._memo.shared(theme, self.settings, headers))
        return self._shared


def _remove_with_empty_folders(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
