"""Where each page prints an issue's HTML, seen while it renders: the proof that lets a
fresh build after an edit to one issue's text splice the new HTML into the pages that
printed the old one (``hearth_site.splice``), instead of running Pelican.

Which pages show an issue's text is the theme's business, and an author edits the
theme. So it is not declared: it is observed, per page, with Jinja's public hooks and
no patch (Pelican's ``generator_init`` signal; ``generator.env`` is public). The issues'
generator (their pages, the home page, the archive) renders with a ``WatchingEnvironment``:

- an issue's ``content`` is a ``BodyText``: printing it whole (``{{ issue.content|safe
  }}``) prints the real HTML and notes where, at the next piece of output, if nothing
  else happened between (no other value printed, no filter, test or attribute read);
- any other use of it (a filter, ``length``, a test, slicing, comparing, ``str()``,
  printing it escaped, printing it inside a macro or a ``{% set %}`` block) gets the real
  HTML too, so every page is exactly what it would be, and notes that the page read that
  issue's text some other way: such a page is never spliced;
- every attribute of an issue that is not a header's (listed below), any method of it,
  the Markdown source of its model, and the build's own state count as such a read.

Every other generator renders with a ``GuardedEnvironment``: any read of an issue's text
there (as above) makes that issue one never spliced, at the cost of a type test per
attribute read. So does a filter, test or global of the author's own, or a ``finalize``.

Values that Hearth makes from an issue's text for templates (``reading``: minutes,
contents, lede; ``elsewhere``: its links discussed elsewhere; Pelican's ``summary``) are
printed as they are: the splice makes them again from the new text and splices only if
each is equal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator

from hearth_core.state import STATE_KEY, BuildState, build_state
from hearth_issues.model import Issue

# Any issue: a page that reached the build's state may have read every issue's text.
EVERY_ISSUE = "*"

# What a template may read of an issue without reading its text: its header, and
# what Pelican and Hearth make from the header alone. (``content`` is a BodyText.)
HEADER_ATTRIBUTES = frozenset(
    {
        "title", "date", "url", "number", "slug", "save_as", "locale_date", "summary_text",
        "is_draft", "community_html", "discussion_ref", "more_discussions", "share",
        "older", "newer", "tags", "author", "authors", "category", "modified",
        "locale_modified", "lang", "status", "translations", "in_default_lang",
        "template", "source_path", "relative_source_path", "issue", "metadata",
        "date_format", "url_format", "default_template", "mandatory_properties",
        "social_card", "discussion", "entry", "community",
    }
)  # fmt: skip

# What Hearth and Pelican make of an issue's text for templates: the splice makes each
# again from the new text and splices only when all are equal.
MADE_FROM_TEXT = frozenset({"summary", "reading", "elsewhere"})
SEEN_ATTRIBUTES = HEADER_ATTRIBUTES | MADE_FROM_TEXT

# Jinja's tests that look at what a value is, never at an issue's text.
IDENTITY_TESTS = frozenset(
    {"defined", "undefined", "none", "sameas", "boolean", "true", "false", "integer",
     "float", "number", "callable", "mapping"}
)  # fmt: skip


def issue_of(value: Any) -> Issue | None:
    """The issue model of an issue's Pelican article; None for anything else."""
    if isinstance(value, Content):
        issue = value.metadata.get("issue")
        if isinstance(issue, Issue):
            return issue
    return None


@dataclass
class PageWatch:
    """One render: the issues' HTML it printed whole (issue, start, length in characters
    of the rendered text) and the issues whose text it read otherwise."""

    prints: list[tuple[str, int, int]] = field(default_factory=list)
    other: set[str] = field(default_factory=set)
    events: int = 0
    length: int = 0
    pending: tuple[str, str, int] | None = None

    def take(self, chunk: str) -> None:
        """The next piece of the page's output."""
        if self.pending is not None:
            key, html, at = self.pending
            self.pending = None
            if at == self.events and chunk == html:
                self.prints.append((key, self.length, len(chunk)))
            else:
                self.other.add(key)
        self.length += len(chunk)

    def touched(self) -> set[str]:
        return self.other | {key for key, _start, _length in self.prints}


class PagePrints:
    """A part of the build state: what this build's pages did with issues' text."""

    def __init__(self) -> None:
        # Whether this build watches its pages: `invoke build`'s, which keeps a record for
        # the next one to splice (hearth_site.lastbuild), not a publish's or a preview's.
        self.wanted = False
        self.pages: dict[str, PageWatch] = {}  # by the path Pelican wrote, when touched
        self.stack: list[PageWatch] = []
        self._last: PageWatch | None = None
        # Issues whose text a template read outside a watched page's render.
        self.elsewhere: set[str] = set()

    @property
    def current(self) -> PageWatch | None:
        return self.stack[-1] if self.stack else None

    def finished(self, watch: PageWatch) -> None:
        """A render ended: Pelican writes it next, if it is a page."""
        self._leave_last()
        self._last = watch

    def written(self, page: str) -> None:
        """Pelican wrote the last finished render to ``page``."""
        if self._last is not None and self._last.touched():
            self.pages[page] = self._last
        self._last = None

    def read_elsewhere(self) -> set[str]:
        """Issues whose text a render that is no page read or printed (a fragment that
        a page then shows as ready HTML): their text may be anywhere."""
        self._leave_last()
        return set(self.elsewhere)

    def _leave_last(self) -> None:
        if self._last is not None:
            self.elsewhere |= self._last.touched()
            self._last = None


class BodyText:
    """An issue's HTML as templates see it (see the module's docstring)."""

    __slots__ = ("_html", "_key", "_prints", "_safe")

    def __init__(self, html: str, key: str, prints: PagePrints, safe: bool = False) -> None:
        self._html = html
        self._key = key
        self._prints = prints
        self._safe = safe

    def read(self) -> str:
        """The HTML, for a use other than printing it whole: noted."""
        watch = self._prints.current
        if watch is not None:
            watch.other.add(self._key)
        return self._html

    def printed(self) -> Markup:
        return Markup(self._html)

    def marked_safe(self) -> BodyText:
        return BodyText(self._html, self._key, self._prints, safe=True)

    @property
    def key(self) -> str:
        return self._key

    @property
    def safe(self) -> bool:
        return self._safe

    # No __html__ of its own, as a str has none: marked safe, ``__getattr__`` gives
    # Markup's, so Jinja and markupsafe treat it as they would the real value.

    def __str__(self) -> str:
        return self.read()

    def __repr__(self) -> str:
        return repr(self.read())

    def __format__(self, spec: str) -> str:
        return format(self.read(), spec)

    def __len__(self) -> int:
        return len(self.read())

    def __iter__(self) -> Iterator[str]:
        return iter(self.read())

    def __getitem__(self, index: Any) -> Any:
        return self.read()[index]

    def __contains__(self, part: Any) -> bool:
        return part in self.read()

    def __bool__(self) -> bool:
        return bool(self.read())

    def __eq__(self, other: object) -> bool:
        return self.read() == other

    def __ne__(self, other: object) -> bool:
        return self.read() != other

    def __lt__(self, other: Any) -> bool:
        return self.read() < other

    def __le__(self, other: Any) -> bool:
        return self.read() <= other

    def __gt__(self, other: Any) -> bool:
        return self.read() > other

    def __ge__(self, other: Any) -> bool:
        return self.read() >= other

    def __hash__(self) -> int:
        return hash(self.read())

    def _value(self) -> str:
        return Markup(self.read()) if self._safe else self.read()

    def __add__(self, other: Any) -> Any:
        return self._value() + other

    def __radd__(self, other: Any) -> Any:
        return other + self._value()

    def __mul__(self, times: Any) -> Any:
        return self.read() * times

    __rmul__ = __mul__

    def __mod__(self, values: Any) -> Any:
        return self.read() % values

    def __getattr__(self, name: str) -> Any:
        # A str method (``split``, ``startswith``...): the text, read.
        return getattr(self._value(), name)


def _real(value: Any) -> Any:
    if isinstance(value, BodyText):
        return Markup(value.read()) if value.safe else value.read()
    return value


class WatchedTemplate(Template):
    """Renders as Jinja does, piece by piece, telling the page's watch each piece."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        if not isinstance(environment, WatchingEnvironment):
            return super().render(*args, **kwargs)
        prints = environment.prints
        watch = PageWatch()
        prints.stack.append(watch)
        chunks: list[str] = []
        try:
            for chunk in self.generate(*args, **kwargs):
                watch.take(chunk)
                chunks.append(chunk)
            if watch.pending is not None:
                watch.other.add(watch.pending[0])
        finally:
            prints.stack.pop()
        prints.finished(watch)
        return "".join(chunks)


# The exact types a template can reach an issue's text through: a type's identity is the
# cheapest test, and each of a million attribute reads in a build pays it. (Pelican makes
# every issue an Article: collect_facts, hearth_site.splicerecord, checks that they are.)
GUARDED_TYPES = frozenset({Article, Issue, BuildState})


def _text_read(obj: Any, name: Any) -> str | None:
    """The issue whose text reading ``name`` of ``obj`` may read, if any; every issue's
    (EVERY_ISSUE) for the build's state."""
    if isinstance(obj, BuildState):
        return EVERY_ISSUE
    if isinstance(obj, Issue):
        # Its text, or what may hold it (``__dict__``, ``__getattribute__``...).
        reads = name == "body" or not isinstance(name, str) or name.startswith("_")
        return str(obj.source) if reads else None
    issue = issue_of(obj)
    if issue is not None and (name == "content" or name not in SEEN_ATTRIBUTES):
        return str(issue.source)
    return None


class GuardedEnvironment(Environment):
    """Every generator's environment in a watched build: an issue's text that a template
    reads is noted as read elsewhere, and that issue is never spliced. Costs a type test
    per attribute read: the link and discussion pages read a million of them."""

    def __init__(self, prints: PagePrints, **options: Any) -> None:
        super().__init__(**options)
        self.prints = prints

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in GUARDED_TYPES:
            self._guard(obj, attribute)
        # Jinja's own first step, without a second call per read; the rest is Jinja's.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return Environment.getattr(self, obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(obj) in GUARDED_TYPES:
            self._guard(obj, argument)
        return super().getitem(obj, argument)

    def _guard(self, obj: Any, name: Any) -> None:
        key = _text_read(obj, name)
        if key is not None:
            self.prints.elsewhere.add(key)


class WatchingEnvironment(GuardedEnvironment):
    """The issues' generator's environment (their pages, the home page, the archive):
    what each page does with issues' text, as the module's docstring says."""

    template_class = WatchedTemplate

    def __init__(self, prints: PagePrints, **options: Any) -> None:
        super().__init__(prints, **{**options, "finalize": self.watch_print})

    def watch_print(self, value: Any) -> Any:
        """A value a template prints (Jinja's ``finalize``)."""
        watch = self.prints.current if hasattr(self, "prints") else None
        if watch is None:
            return _real(value)
        if watch.pending is not None:  # printed inside a capture: used some other way
            watch.other.add(watch.pending[0])
            watch.pending = None
        watch.events += 1
        if isinstance(value, BodyText):
            if not value.safe:
                return value.read()  # escaped, as the HTML would be
            watch.pending = (value.key, str(value.printed()), watch.events)
            return value.printed()
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        body = self._seen(obj, attribute)
        return body if body is not None else Environment.getattr(self, obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        body = self._seen(obj, argument)
        return body if body is not None else Environment.getitem(self, obj, argument)

    def _seen(self, obj: Any, name: Any) -> BodyText | None:
        watch = self.prints.current
        if watch is None:  # not a page's render
            if type(obj) in GUARDED_TYPES:
                self._guard(obj, name)
            return None
        watch.events += 1
        if type(obj) not in GUARDED_TYPES:
            return None
        issue = issue_of(obj)
        if issue is not None and name == "content":
            html: str = Environment.getattr(self, obj, "content")
            return BodyText(html, str(issue.source), self.prints)
        key = _text_read(obj, name)
        if key is not None:
            watch.other.add(key)
        return None


def _watched(
    call: Callable[..., Any], prints: PagePrints, *, safe: bool = False, looks: bool = False
) -> Callable[..., Any]:
    """A filter or test that counts as an event, and gets issues' real HTML (noted as a
    read), except ``safe`` given a BodyText, which marks it for printing whole. Given a
    whole issue, it may read its text (noted), unless it only ``looks`` at what it is."""

    @functools.wraps(call)
    def watched(*args: Any, **kwargs: Any) -> Any:
        watch = prints.current
        if watch is None:
            return call(*(_real(a) for a in args), **{k: _real(v) for k, v in kwargs.items()})
        watch.events += 1
        if safe and len(args) == 1 and isinstance(args[0], BodyText) and not kwargs:
            return args[0].marked_safe()
        for value in (*args, *kwargs.values()):
            issue = value if isinstance(value, Issue) else issue_of(value)
            if issue is not None and not looks:
                watch.other.add(str(issue.source))
        return call(*(_real(a) for a in args), **{k: _real(v) for k, v in kwargs.items()})

    return watched


def watching_environment(env: Environment, prints: PagePrints, options: dict[str, Any]) -> Any:
    """A WatchingEnvironment like ``env`` (made by Pelican with ``options``)."""
    watching = WatchingEnvironment(prints, loader=env.loader, **options)
    watching.filters.update(
        {name: _watched(f, prints, safe=name == "safe") for name, f in env.filters.items()}
    )
    tests: dict[str, Any] = dict(env.tests)
    watching.tests.update(
        {name: _watched(t, prints, looks=name in IDENTITY_TESTS) for name, t in tests.items()}
    )
    watching.globals.update(env.globals)
    return watching


def guarded_environment(env: Environment, prints: PagePrints, options: dict[str, Any]) -> Any:
    """A GuardedEnvironment like ``env`` (made by Pelican with ``options``)."""
    guarded = GuardedEnvironment(prints, loader=env.loader, **options)
    guarded.filters.update(env.filters)
    guarded.tests.update(env.tests)
    guarded.globals.update(env.globals)
    return guarded


def watch_generator(generator: Any) -> None:
    """At ``generator_init``, when the build wants its pages watched (``PagePrints.wanted``):
    the issues' generator renders with a watching environment, every other with a guarded
    one. Filters, tests or globals of the author's own, or a ``finalize``, may read an
    issue's text unseen: then no issue is spliced."""
    settings = generator.settings
    prints = build_state(settings).part(PagePrints)
    if not prints.wanted:
        return
    options = dict(settings["JINJA_ENVIRONMENT"])
    own = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")
    if "finalize" in options or any(settings.get(name) for name in own):
        prints.elsewhere.add(EVERY_ISSUE)
        return
    make = watching_environment if isinstance(generator, ArticlesGenerator) else guarded_environment
    generator.env = make(generator.env, prints, options)


def page_written(path: str, context: Any = None) -> None:
    """At ``content_written``: the last render went to ``path``."""
    # The context is a copy of the settings, the build state with them.
    state = context.get(STATE_KEY) if isinstance(context, dict) else None
    if isinstance(state, BuildState):
        state.part(PagePrints).written(path)
