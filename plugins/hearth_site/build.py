"""Build the site in-process so every failure is one clear message, never a traceback.

Pelican's own command line prints a traceback for any exception and exits 0
after logging errors; Hearth treats every Pelican warning or error as fatal.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from jinja2 import BytecodeCache, TemplateError
from jinja2.bccache import Bucket
from pelican import Pelican, signals
from pelican.writers import FileOverwriteFailedError

from hearth_core.errors import HearthError
from hearth_core.parallel import worker_pool
from hearth_core.problems import ContentError, display_path, template_error_message
from hearth_discussions.plugin import discussion_pages
from hearth_issues.bodies import markdown_options
from hearth_issues.collect import load_site_issues
from hearth_issues.model import Issue
from hearth_issues.reader import BODY_HTML
from hearth_members.plugin import prepare_link_pages
from hearth_members.render import start_notes
from hearth_members.site import record_published
from hearth_site import earlyindex
from hearth_site.check import SiteContent, load_site_content
from hearth_site.meta import site_path
from hearth_site.quickpreview import forget_rendered_content
from hearth_site.search import community_records


class BuildFailed(HearthError):
    """Pelican logged warnings or errors: the output cannot be trusted."""


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def recording_warnings() -> Iterator[list[logging.LogRecord]]:
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        root.removeHandler(recorder)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates for the life of the process.

    Pelican makes new Jinja environments for every build, and a live preview
    builds again on every save: compiling the theme anew costs more than
    rendering most pages. Jinja compares each template's source checksum, so an
    edited template is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def _address(error: FileOverwriteFailedError) -> str:
    quoted = str(error).split('"')
    path = display_path(quoted[1]) if len(quoted) > 2 else str(error)
    return (
        f"{path} is written by two pages. A page in content/pages/ takes its address from "
        "its file name: rename the page whose name matches this address"
    )


def build(settings: dict[str, Any]) -> None:
    """Validate, then build; raise ContentError or BuildFailed instead of writing a bad site."""
    # A build keeps nearly all it makes until it ends: the content, the pages'
    # data, the HTML. The cycle collector would scan all of it again and again as
    # it grows, and find next to nothing to free: on a 700-issue archive it took
    # a sixth of the build's time, and the build's peak memory is the same
    # without it. A live preview's process keeps what earlier builds computed as
    # well; it collects between saves (tasks.py, livereload and regenerate). The
    # workers, forked during the build, convert with the collector paused too.
    pause = gc.isenabled()
    if pause:
        gc.disable()
    try:
        _build(settings)
    finally:
        if pause:
            gc.enable()


def _prepare_community(settings: dict[str, Any], content: SiteContent) -> None:
    """The link and discussion pages and their search records, made while the workers
    convert the issues, not after them with one core idle: they need only the notes,
    which the workers convert first. The generators and the search index find them
    when Pelican lists the issues as expected here; otherwise they make them again.
    """
    published = _as_pelican_lists(content.issues, settings["ARTICLE_ORDER_BY"])
    links = prepare_link_pages(settings, published, content.members)
    discussions = discussion_pages(settings, published, content.members)
    if links is not None:
        earlyindex.prepare(community_records(links, discussions, site_path(settings)))


def _as_pelican_lists(issues: list[Issue], order_by: Any) -> list[Issue]:
    """The published issues in the order of Pelican's ``articles`` where Hearth can tell it:
    ARTICLE_ORDER_BY names a field of the issue, like "reversed-number"."""
    published = [issue for issue in issues if not issue.is_draft]
    if isinstance(order_by, str):
        field = order_by.removeprefix("reversed-")
        if field in ("number", "date", "slug", "title"):
            published.sort(key=attrgetter(field), reverse=field != order_by)
    return published


def _build(settings: dict[str, Any]) -> None:
    jinja = settings.get("JINJA_ENVIRONMENT", {})
    # The theme marks the HTML the build made as safe and escapes the rest by default:
    # without autoescape, a member's name would be markup wherever a template forgot |e.
    jinja = {"bytecode_cache": COMPILED_TEMPLATES, **jinja, "autoescape": True}
    settings = {**settings, "JINJA_ENVIRONMENT": jinja}
    with worker_pool() as pool:
        # Markdown is most of a build's work: the workers convert the bodies while
        # this process checks the rest, and Pelican's reader then finds them done.
        issues = load_site_issues(settings)
        options = markdown_options(settings["MARKDOWN"])
        converting = BODY_HTML.start(options, (issue.body for issue in issues[0]), pool)
        content = load_site_content(settings, issues)
        if content.problems:
            raise ContentError(content.problems)
        # The first build that finds an issue published records its member links,
        # which no member file changes after that (hearth_members.past).
        record_published(settings, content.issues, content.members)
        notes = (link.note for member in content.members for link in member.links if link.note)
        start_notes(notes, pool)
        if converting:
            _prepare_community(settings, content)
        forget_rendered_content()

        def stop_workers(_generators: Any) -> None:
            # Every text is converted once each generator has its context: the
            # workers' memory is free before the pages and the search index are made.
            if pool:
                pool.shutdown()

        signals.all_generators_finalized.connect(stop_workers)
        with recording_warnings() as records:
            try:
                Pelican(settings).run()
            except FileOverwriteFailedError as error:
                raise BuildFailed(f"two pages have one address: {_address(error)}") from None
            except TemplateError as error:
                raise BuildFailed(template_error_message(error)) from None
            finally:
                signals.all_generators_finalized.disconnect(stop_workers)
                earlyindex.forget()
    if records:
        messages = "\n".join(f"{r.levelname.lower()}: {r.getMessage()}" for r in records)
        raise BuildFailed(f"the build logged {len(records)} warning(s) or error(s):\n{messages}")
