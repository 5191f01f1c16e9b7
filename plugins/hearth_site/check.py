"""Every validation Hearth runs, without building: what ``invoke check`` prints.

One set of checks: the build runs this before Pelican and refuses what it finds, so
whatever `invoke check` accepts builds. A problem in a draft never stops a build: the
draft is left out of every build, ``--drafts`` included, and its problems are printed
as warnings until they are fixed (docs/checks.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth_core.files import read_text_file, unsafe_entries
from hearth_core.problems import Problem, display_path, problem
from hearth_core.state import build_state
from hearth_discussions.collect import load_discussions
from hearth_discussions.settings import chat_spaces
from hearth_issues.bodies import markdown_options
from hearth_issues.bodychecks import (
    Body,
    SiteFiles,
    attach_targets,
    attached_twice,
    body_problems,
    is_draft_source,
    link_pattern,
    may_warn,
)
from hearth_issues.caches import IssueCaches
from hearth_issues.collect import load_pages, load_site_issues
from hearth_issues.leftout import LeftOutDrafts
from hearth_issues.model import Issue
from hearth_issues.pages import Page
from hearth_issues.reader import show_drafts
from hearth_linkhealth.settings import check_link_settings
from hearth_members.model import Member
from hearth_members.site import load_community
from hearth_recommendations.neighbours import read_neighbours
from hearth_recommendations.settings import neighbours_path
from hearth_recommendations.validate import load_recommendations
from hearth_site.forms import subscribe_form
from hearth_site.theme import site_theme
from hearth_site.views import byline


@dataclass(frozen=True)
class SiteContent:
    """Everything under content/ that the build reads, and what is wrong with it."""

    issues: list[Issue]
    members: list[Member]
    # What stops a build.
    problems: list[Problem]
    # What holds back a draft: it is left out of the build, which goes on without it.
    draft_problems: list[Problem] = field(default_factory=list)
    left_out: frozenset[Path] = frozenset()
    # Every draft issue and page, by resolved path.
    drafts: frozenset[Path] = frozenset()


def check_build_settings(settings: dict[str, Any]) -> None:
    """The settings only Pelican's run reads, refused here as that run would refuse them:
    a SettingsError from `invoke check`, not from a build it accepted."""
    from hearth_feeds.plugin import feed_limit

    feed_limit(settings)
    show_drafts(settings)
    subscribe_form(settings)


def load_site_content(
    settings: dict[str, Any], loaded_issues: tuple[list[Issue], list[Problem]] | None = None
) -> SiteContent:
    """Read and check all content; ``loaded_issues`` spares reading the issues twice."""
    issues, problems = loaded_issues or load_site_issues(settings)
    problems = list(problems)
    pages: list[Page] = []
    for folder in settings["PAGE_PATHS"]:
        found, page_problems = load_pages(Path(settings["PATH"], folder))
        pages += found
        problems += page_problems
    problems += page_addresses(settings, pages)
    members, member_problems = load_community(settings, issues)
    problems += member_problems
    chat_spaces(settings)  # a wrong space raises SettingsError, as the build would
    site_theme(settings)  # and so does a wrong HEARTH_THEME
    byline(settings)
    check_link_settings(settings)  # the webring, fediverse and link-health settings
    check_build_settings(settings)
    problems += load_discussions(settings, issues, members)[1]
    problems += load_recommendations(settings)[1] + read_neighbours(neighbours_path(settings))[1]
    problems += unsafe_entries(Path(settings["PATH"]), settings.get("IGNORE_FILES", ()))
    # A link in a folder of members is reported by the folder's reader and the scan.
    drafts = _draft_sources(issues, pages, problems)
    bodies = [_body(issue) for issue in issues] + [_body(page) for page in pages]
    # The drafts first: a published issue may not link one they leave out.
    for in_drafts in (True, False):
        left_out = _with_problems(problems, drafts)
        checked = [body for body in bodies if (body.source in drafts) == in_drafts]
        problems += pelican_warnings(settings, checked, left_out)
    left_out = _with_problems(problems, drafts)
    held_back = [p for p in problems if _source(p) in left_out]
    blocking = [p for p in problems if _source(p) not in left_out]
    return SiteContent(
        issues,
        members,
        sorted(set(blocking)),
        sorted(set(held_back)),
        frozenset(left_out),
        frozenset(drafts),
    )


def check_content(settings: dict[str, Any]) -> list[Problem]:
    """All problems that stop a build, sorted by file and line."""
    return load_site_content(settings).problems


# The addresses of Hearth's own pages: a page of content/pages/ is published at
# /<file name>/ and would overwrite one (Pelican stops the build, "two pages have one address").
HEARTH_PAGES = (
    "issues",
    "topics",
    "links",
    "members",
    "discussions",
    "community",
    "search",
    "recommendations",
)


def page_addresses(settings: dict[str, Any], pages: list[Page]) -> list[Problem]:
    """A page whose address is another page's, or one of Hearth's own."""
    taken = set(HEARTH_PAGES) | {
        str(value).split("/", 1)[0]
        for name, value in settings.items()
        if name.endswith("SAVE_AS") and "/" in str(value) and "{" not in str(value).split("/")[0]
    }
    first: dict[str, Page] = {}
    problems = []
    for page in sorted(pages, key=lambda page: (page.status == "draft", str(page.source))):
        earlier = first.setdefault(page.slug, page)
        if page.slug in taken:
            why = f"/{page.slug}/ is the address of Hearth's own {page.slug} page"
        elif earlier is not page:
            why = f"/{page.slug}/ is the address of {display_path(earlier.source)} already"
        else:
            continue
        problems.append(problem(page.source, 1, "", f"{why}: rename this file"))
    return problems


def leave_out_drafts(settings: dict[str, Any], content: SiteContent) -> None:
    """Tell the build which drafts not to read, and the author why."""
    build_state(settings).part(LeftOutDrafts).paths = content.left_out
    warn_of_drafts(content.draft_problems)


def draft_warning(problems: list[Problem]) -> str:
    """What `invoke check` and `invoke build` print of the problems in drafts."""
    drafts = len({p.path for p in problems})
    return "\n".join(
        [
            *map(str, problems),
            f"{len(problems)} problem(s) in {drafts} draft(s): each is left out of the "
            "build, --drafts included, until they are fixed; the published issues are built.",
        ]
    )


def warn_of_drafts(problems: list[Problem]) -> None:
    """Print the problems in drafts, which never stop a build, on standard error."""
    if problems:
        print(draft_warning(problems), file=sys.stderr)


def pelican_warnings(
    settings: dict[str, Any], bodies: list[Body], left_out: Iterable[Path] = ()
) -> list[Problem]:
    """What Pelican would warn about, and so refuse, in these bodies: images without
    alt text and intrasite links it cannot resolve (``hearth_issues.bodychecks``)."""
    suspects = [body for body in bodies if may_warn(body.text)]
    if not suspects:  # most sites: nothing to render, nothing to resolve
        return []
    left_out = frozenset(left_out)
    files = SiteFiles(Path(settings["PATH"]).resolve(), _documents(settings, left_out), left_out)
    html = _renderer(settings)
    pattern = link_pattern(settings.get("INTRASITE_LINK_REGEX") or "[{|](?P<what>.*?)[|}]")
    problems: list[Problem] = []
    attached: list[tuple[Path, Path]] = []
    for body in suspects:
        page_html = html(body.text)
        problems += body_problems(body, page_html, files, pattern)
        attached += [(body.source, t) for t in attach_targets(body, page_html, files, pattern)]
    for source, target, first in attached_twice(attached):
        problems.append(
            problem(
                source,
                1,
                "link",
                f"{{attach}} moves {target.name} next to one page, and {first.name} "
                "attaches it already: link it with {static} here",
            )
        )
    return problems


def _renderer(settings: dict[str, Any]) -> Callable[[str], str]:
    """A body's HTML as the build's reader makes it, from the build's memo of them."""
    options = markdown_options(settings["MARKDOWN"])
    memo = build_state(settings).part(IssueCaches).body_html
    return lambda text: memo.get(options, text)


def _documents(settings: dict[str, Any], left_out: Iterable[Path]) -> frozenset[Path]:
    """The issue and page files the build reads: what ``{filename}`` may link."""
    root = Path(settings["PATH"])
    found = {
        path.resolve()
        for folder in [*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]]
        for path in (root / folder).rglob("*.md")
        if not path.name.startswith((".", "_", "#"))
    }
    return frozenset(found - set(left_out))


def _body(item: Issue | Page) -> Body:
    return Body(item.source.resolve(), item.body, item.body_line)


def _draft_sources(issues: list[Issue], pages: list[Page], problems: list[Problem]) -> set[Path]:
    """Every draft issue or page, by resolved path; a file with problems is one if its
    header says ``Status: draft``."""
    drafts = {issue.source.resolve() for issue in issues if issue.is_draft}
    drafts |= {page.source.resolve() for page in pages if page.status == "draft"}
    for path in {_source(p) for p in problems} - drafts:
        text = read_text_file(path)[0] if path.suffix == ".md" else None
        if text is not None and is_draft_source(text):
            drafts.add(path)
    return drafts


def _with_problems(problems: list[Problem], drafts: set[Path]) -> set[Path]:
    return {_source(p) for p in problems} & drafts


def _source(found: Problem) -> Path:
    return Path(found.path).resolve()
