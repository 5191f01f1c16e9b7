"""Every discussion the content names: issue headers, member links and thread files."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hearth_core.files import authored_files, folder_state, read_text_file
from hearth_core.platforms import DEFAULT_LEMMY_INSTANCES, DiscussionRef, recognise
from hearth_core.problems import Problem, display_path, problem
from hearth_core.state import build_state
from hearth_discussions.activity import read_activity
from hearth_discussions.caches import DiscussionCaches
from hearth_discussions.elsewhere.settings import FILE as ELSEWHERE_FILE
from hearth_discussions.elsewhere.site import load_elsewhere
from hearth_discussions.model import Activity, Source, Thread
from hearth_discussions.settings import ACTIVITY_FILE, discussion_options
from hearth_discussions.threads import THREAD_FILES, parse_thread
from hearth_issues.collect import load_site_issues
from hearth_issues.model import Issue
from hearth_members.model import Member
from hearth_members.site import load_community, member_options, site_today
from hearth_members.urls import normalize_url
from hearth_members.views import link_place

NOT_THREADS = (ACTIVITY_FILE, ELSEWHERE_FILE)


def discussions_folder(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], discussion_options(settings)["path"])


def load_activity(settings: Mapping[str, Any]) -> tuple[dict[str, Activity], list[Problem]]:
    kept = build_state(settings).part(DiscussionCaches).activity
    return read_activity(discussions_folder(settings) / ACTIVITY_FILE, kept)


def discussion_ref(
    url: str,
    activity: Mapping[str, Activity],
    lemmy_instances: Collection[str] = DEFAULT_LEMMY_INSTANCES,
) -> DiscussionRef:
    """The label and counts shown wherever a thread is linked."""
    found = activity.get(url, Activity())
    label = recognise(url, lemmy_instances=lemmy_instances).label
    return DiscussionRef(url, label, found.replies, found.last_activity)


@dataclass(frozen=True)
class DiscussionLabels:
    """``discussion_ref`` with the activity the last sync found: what this package gives
    the members' link views. Equal while the activity is, so kept pages stay kept."""

    activity: Mapping[str, Activity]
    lemmy_instances: frozenset[str] = frozenset(DEFAULT_LEMMY_INSTANCES)

    def __call__(self, url: str) -> DiscussionRef:
        return discussion_ref(url, self.activity, self.lemmy_instances)


def load_threads(
    folder: Path, vocabulary: Sequence[str], today: date
) -> tuple[list[Thread], list[Problem]]:
    """Every thread file in ``folder``; other files there are reported, not skipped."""
    threads: list[Thread] = []
    problems: list[Problem] = []
    for path in authored_files(folder):
        if path.name in NOT_THREADS:
            continue
        if path.suffix != ".yml" or path.is_dir():
            problems.append(
                problem(path, 1, "", "only thread files (.yml) and activity.json belong here")
            )
            continue
        text, unreadable = read_text_file(path, max_bytes=THREAD_FILES.max_bytes)
        if text is None:
            problems += unreadable
            continue
        thread, found = parse_thread(path, text, vocabulary, today)
        problems += found
        if thread:
            threads.append(thread)
    return threads, problems


def discussion_sources(
    issues: Sequence[Issue], members: Sequence[Member], threads: Sequence[Thread]
) -> tuple[list[Source], list[Problem]]:
    """One source per thread URL; a thread file may add a title and tags to any of them."""
    published = {issue.number: issue for issue in issues if not issue.is_draft}
    links = {normalize_url(link.url): link for member in members for link in member.links}
    # Keyed by the normalised address: ".../t/x/12/" is the same thread as ".../t/x/12".
    found: dict[str, Source] = {}
    for issue in sorted(published.values(), key=lambda issue: issue.number):
        if issue.discussion:
            source = _issue_source(issue, issue.discussion)
            found.setdefault(normalize_url(issue.discussion), source)
    for link in sorted(links.values(), key=lambda link: (link.date, link.url)):
        if link.discussion:
            found.setdefault(normalize_url(link.discussion), _link_source(link, link.discussion))
    problems: list[Problem] = []
    files: dict[str, Thread] = {}
    for thread in threads:
        key = normalize_url(thread.url)
        about, field, message = _thread_about(thread, published, links)
        if key in files and not message:
            field = "url"
            first = display_path(files[key].source)
            message = f"{first} already names this thread: keep one of the two files"
        if message:
            problems.append(problem(thread.source, thread.line_of(field), field, message))
            continue
        files[key] = thread
        named = found.get(key)
        if about is None:
            about = (named.kind, named.about) if named else ("topic", None)
        found[key] = Source(
            # The address as the issue or link wrote it, so activity stays keyed the same.
            url=named.url if named else thread.url,
            title=thread.title,
            kind=about[0],
            about=about[1],
            started=thread.started,
            tags=thread.tags or (named.tags if named else ()),
            path=thread.source,
            line=thread.line_of("url"),
        )
    return list(found.values()), problems


def _issue_source(issue: Issue, url: str) -> Source:
    return Source(
        url=url,
        title=None,
        kind="issue",
        about=(f"Issue {issue.number}: {issue.title}", f"issues/{issue.number}/"),
        started=issue.date.date(),
        tags=issue.tags,
        path=issue.source,
        line=1,
    )


def _link_source(link: Any, url: str) -> Source:
    return Source(
        url=url,
        title=None,
        kind="link",
        about=(link.title, link_place(link)),
        started=link.date,
        tags=link.tags,
        path=link.source,
        line=link.line_of("discussion"),
    )


About = tuple[str, tuple[str, str] | None]


def _thread_about(
    thread: Thread, published: Mapping[int, Issue], links: Mapping[str, Any]
) -> tuple[About | None, str, str]:
    """(kind, (name, url)) the thread is about, or the field and message saying what is wrong."""
    if thread.issue is not None and thread.link is not None:
        return None, "link", "a thread is about one issue or one link: keep issue or link"
    if thread.issue is not None:
        issue = published.get(thread.issue)
        if issue is None:
            message = f"there is no published issue {thread.issue}: check the number"
            return None, "issue", message + ", or remove the line"
        return ("issue", _issue_source(issue, thread.url).about), "", ""
    if thread.link is not None:
        link = links.get(normalize_url(thread.link))
        if link is None:
            message = f"{thread.link} is not a link any member shared: copy the url of a link"
            return None, "link", message + " from content/members/, or remove the line"
        return ("link", _link_source(link, thread.url).about), "", ""
    return None, "", ""


def load_discussions(
    settings: Mapping[str, Any], issues: Sequence[Issue], members: Sequence[Member]
) -> tuple[list[Source], list[Problem]]:
    """Every discussion in the content, checked against the issues and member links."""
    vocabulary = sorted(set(member_options(settings)["tags"]).union(*(i.tags for i in issues)))
    folder, today = discussions_folder(settings), site_today(settings)
    files = folder_state(folder)
    key = (files, vocabulary, today, [i.header() for i in issues], list(members))
    caches = build_state(settings).part(DiscussionCaches)

    def check() -> tuple[list[Source], list[Problem]]:
        threads, problems = caches.threads.get(
            (files, vocabulary, today), lambda: load_threads(folder, vocabulary, today)
        )
        sources, cross = discussion_sources(issues, members, threads)
        elsewhere = load_elsewhere(settings)[1]
        return sources, problems + cross + load_activity(settings)[1] + elsewhere

    sources, problems = caches.answers.get(key, check)
    return list(sources), list(problems)


def discussion_urls(settings: Mapping[str, Any]) -> tuple[list[str], list[Problem]]:
    """What ``invoke sync-discussions`` asks the platforms about, and any content problems."""
    issues, problems = load_site_issues(settings)
    members, member_problems = load_community(settings, issues)
    sources, discussion_problems = load_discussions(settings, issues, members)
    urls = sorted({source.url for source in sources})
    return urls, sorted(problems + member_problems + discussion_problems)


def issue_thread_urls(settings: Mapping[str, Any], number: int) -> list[str]:
    """The threads the content names for issue ``number``: thread files with ``issue:``
    and its ``Discussion:`` header (what ``invoke announce`` must not open again)."""
    issues, _ = load_site_issues(settings)
    members, _ = load_community(settings, issues)
    sources, _ = load_discussions(settings, issues, members)
    about = f"issues/{number}/"
    return [s.url for s in sources if s.kind == "issue" and s.about and s.about[1] == about]
