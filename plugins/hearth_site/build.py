"""Build the site in-process so every failure is one clear message, never a traceback.

Pelican's own command line prints a traceback for any exception and exits 0
after logging errors; Hearth treats every Pelican warning or error as fatal.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, TemplateError
from jinja2.bccache import Bucket
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.writers import FileOverwriteFailedError

from hearth_core.cachekey import templates_key
from hearth_core.errors import HearthError
from hearth_core.fragments import Fragments
from hearth_core.parallel import worker_pool
from hearth_core.problems import ContentError, display_path, template_error_message
from hearth_core.state import BuildState, build_state, with_state
from hearth_core.stored import (
    load_fragments,
    load_results,
    load_stored,
    store,
    store_fragments,
    store_results,
)
from hearth_discussions.caches import DiscussionCaches
from hearth_issues.bodies import markdown_options
from hearth_issues.caches import IssueCaches
from hearth_issues.collect import load_site_issues
from hearth_issues.model import Issue
from hearth_members.caches import MemberCaches
from hearth_members.render import start_notes
from hearth_members.site import record_published
from hearth_site import produced
from hearth_site.check import leave_out_drafts, load_site_content, warn_of_drafts
from hearth_site.pelicanlog import logged_problems, pelican_log

# The HTML of every issue's and page's Markdown, and of the members' notes, kept in the
# cache (CACHE_PATH) from one build to the next.
MARKDOWN_STORED = "hearth-markdown.pickle"
NOTES_STORED = "hearth-notes.pickle"
# The member links', community sections' and discussions' HTML, as the theme renders them.
FRAGMENTS_STORED = "hearth-fragments.pickle"
# The theme's templates, compiled: Jinja checks each one's source against its own.
TEMPLATES_STORED = "hearth-templates.pickle"


def _kept_fragments(state: BuildState) -> list[Fragments]:
    """The fragments whose items are values, the same in the next process; not the
    issues' entries, whose items are Pelican's articles of this build."""
    members = state.part(MemberCaches)
    discussions = state.part(DiscussionCaches)
    return [members.link_html, members.community_html, discussions.discussion_html]


class BuildFailed(HearthError):
    """Pelican logged warnings or errors: the output cannot be trusted."""


class PelicanWarned(BuildFailed, ContentError):
    """Pelican warned of something in the content: each said as a problem of its file."""


class CompiledTemplates(BytecodeCache):
    """Compiled templates, a part of the build state (``hearth_core.state``).

    Pelican makes new Jinja environments for every build, and a live preview
    builds again on every save: compiling the theme anew costs more than
    rendering most pages. Jinja compares each template's source checksum, so an
    edited template is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self.changed = False

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """Jinja's bucket, under a key that also says which ``finalize`` the environment
        has: a template compiled with one calls it (hearth_site.bodyprints watches the
        issues' pages with one), and one compiled without it prints without it."""
        finalize = environment.finalize
        kind = "" if finalize is None else f"+{getattr(finalize, '__qualname__', finalize)}"
        bucket = Bucket(
            environment, self.get_cache_key(name, filename) + kind, self.get_source_checksum(source)
        )
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        self.changed = True

    def use_kept(self, code: dict[str, bytes]) -> None:
        """What an earlier process compiled, with the same theme, settings and Jinja."""
        self._code.update(code)

    def kept(self) -> dict[str, bytes]:
        return dict(self._code)


def _address(error: FileOverwriteFailedError) -> str:
    quoted = str(error).split('"')
    path = display_path(quoted[1]) if len(quoted) > 2 else str(error)
    return (
        f"{path} is written by two pages. A page in content/pages/ takes its address from "
        "its file name: rename the page whose name matches this address"
    )


def build(settings: dict[str, Any], state: BuildState | None = None) -> list[Issue]:
    """Validate, then build; raise ContentError or BuildFailed instead of writing a bad site.
    Returns the issues it built.

    ``state`` keeps what this build computes for the next: a live preview passes the
    same one to every build; without it, the build starts from nothing.
    """
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
        settings = with_state(settings, state or BuildState())
        # What the last build produced and this one does not (a draft's page, a deleted
        # issue's) is removed once this one has succeeded: hearth_site.produced.
        started = produced.start(settings)
        issues = _build(settings)
        produced.finish(settings, started)
        return issues
    finally:
        if pause:
            gc.enable()


def forget_rendered_content() -> None:
    """Pelican memoizes every article's HTML in a class-wide cache for the life of
    the process: a live preview would keep every build's articles alive."""
    for method in ("get_content", "get_summary"):
        Content.__dict__[method].cache.clear()


def _build(settings: dict[str, Any]) -> list[Issue]:
    state = build_state(settings)
    jinja = settings.get("JINJA_ENVIRONMENT", {})
    # The theme marks the HTML the build made as safe and escapes the rest by default:
    # without autoescape, a member's name would be markup wherever a template forgot |e.
    compiled = state.part(CompiledTemplates)
    jinja = {"bytecode_cache": compiled, **jinja, "autoescape": True}
    settings = {**settings, "JINJA_ENVIRONMENT": jinja}
    with worker_pool() as pool:
        # Markdown is most of a build's work: the workers convert the bodies while
        # this process checks the rest, and Pelican's reader then finds them done.
        issues = load_site_issues(settings)
        options = markdown_options(settings["MARKDOWN"])
        body_html = state.part(IssueCaches).body_html
        note_html = state.part(MemberCaches).note_html
        if not settings.get("HEARTH_PREVIEW"):  # a preview keeps them in memory
            load_results(settings, body_html, MARKDOWN_STORED)
            load_results(settings, note_html, NOTES_STORED)
            load_fragments(settings, _kept_fragments(state), FRAGMENTS_STORED)
            load_templates(settings, compiled)
        body_html.start(options, (issue.body for issue in issues[0]), pool)
        content = load_site_content(settings, issues)
        if content.problems:
            raise ContentError(content.problems)
        leave_out_drafts(settings, content)
        # The first build that finds an issue published records its member links,
        # which no member file changes after that (hearth_members.past).
        record_published(settings, content.issues, content.members)
        notes = (link.note for member in content.members for link in member.links if link.note)
        start_notes(notes, pool, note_html)
        forget_rendered_content()

        def stop_workers(_generators: Any) -> None:
            # Every text is converted once each generator has its context: the
            # workers' memory is free before the pages and the search index are made.
            if pool:
                pool.shutdown()

        signals.all_generators_finalized.connect(stop_workers)
        with pelican_log() as records:
            try:
                Pelican(settings).run()
            except FileOverwriteFailedError as error:
                raise BuildFailed(f"two pages have one address: {_address(error)}") from None
            except TemplateError as error:
                raise BuildFailed(template_error_message(error)) from None
            finally:
                signals.all_generators_finalized.disconnect(stop_workers)
    failures, in_drafts = logged_problems(records, settings, content.drafts)
    warn_of_drafts(in_drafts)
    if failures:
        raise PelicanWarned(failures)
    if settings.get("HEARTH_PREVIEW"):
        # The texts this build did not ask about (the last save's) are kept no longer.
        body_html.forget_unused()
        note_html.forget_unused()
    else:
        store_results(settings, body_html, MARKDOWN_STORED)
        store_results(settings, note_html, NOTES_STORED)
        store_fragments(settings, _kept_fragments(state), FRAGMENTS_STORED)
        store_templates(settings, compiled)
    return issues[0]


def _templates_key(settings: dict[str, Any]) -> tuple[str, bytes]:
    return (TEMPLATES_STORED, templates_key(settings))


def load_templates(settings: dict[str, Any], compiled: CompiledTemplates) -> None:
    """Give ``compiled`` the templates an earlier build compiled with the same key."""
    if settings.get("CACHE_PATH"):
        path = Path(settings["CACHE_PATH"], TEMPLATES_STORED)
        compiled.use_kept(load_stored(path, _templates_key(settings), settings) or {})


def store_templates(settings: dict[str, Any], compiled: CompiledTemplates) -> None:
    if settings.get("CACHE_PATH") and compiled.changed:
        path = Path(settings["CACHE_PATH"], TEMPLATES_STORED)
        store(path, _templates_key(settings), compiled.kept())
