"""`invoke announce --issue N`: open the issue's threads, once each, and write them down.

For each target, in the settings' order: a thread the state file knows is kept; else
the platform is asked whether one is open already (a crash may have lost the record);
else one is opened. Each found or opened thread goes into the state file at once,
then into its thread file; the primary target's becomes the issue's ``Discussion:``
header if that is empty. One target's failure does not stop the others.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from hearth_announce.clients import PLATFORM_CLASSES, Platform
from hearth_announce.errors import AnnounceError
from hearth_announce.files import (
    set_empty_discussion,
    thread_file,
    thread_text,
    write_thread_file,
)
from hearth_announce.http import JsonClient, Secrets, checked_base
from hearth_announce.settings import (
    CREDENTIALS,
    SECRETS,
    Target,
    announce_settings,
    credential_label,
    credential_source,
    credentials,
)
from hearth_announce.state import read_state, state_path, write_state
from hearth_announce.texts import Announcement, thread_title
from hearth_core.problems import display_path
from hearth_core.weburl import check_web_url
from hearth_discussions.collect import issue_thread_urls
from hearth_discussions.threads import parse_thread
from hearth_issues.collect import load_site_issues
from hearth_issues.model import Issue
from hearth_issues.source import site_zone

# Made per target; tests pass one that shortens the waits.
ClientFactory = Callable[..., JsonClient]


def announce_issue(
    settings: Mapping[str, Any],
    number: int | None,
    *,
    platforms: Sequence[str] = (),
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    client_factory: ClientFactory = JsonClient,
) -> None:
    """Open issue ``number``'s threads (None: the newest published issue's); raise
    AnnounceError naming every target that failed."""
    environ = os.environ if environ is None else environ
    redact = Secrets(credentials(environ)[name] for name in SECRETS)
    out = redact.stream(out or sys.stdout)
    try:
        _announce(settings, number, platforms, dry_run, environ, out, client_factory, redact)
    except AnnounceError as error:
        said = str(error)
        if redact(said) == said:
            raise
        raise AnnounceError(redact(said)) from None


def _announce(
    settings: Mapping[str, Any],
    number: int | None,
    platforms: Sequence[str],
    dry_run: bool,
    environ: Mapping[str, str],
    out: TextIO,
    client_factory: ClientFactory,
    redact: Secrets,
) -> None:
    config = announce_settings(settings)
    targets = _chosen(config.targets, platforms)
    issue = _published_issue(settings, number)
    post = _announcement(settings, issue, dry_run)
    path = state_path(settings)
    threads = read_state(path)
    opened = threads.setdefault(issue.number, {})
    known = _threads_in_content(settings, issue)
    failures: list[str] = []
    for target in targets:
        platform = PLATFORM_CLASSES[target.platform](target, config.texts, environ)
        by_hand = next((url for url in known if _is_on(target, url)), None)
        if target.name not in opened and by_hand:
            # Opened by hand (the Discussion: header, a thread file): never a second one.
            print(f"{target.name}: the content names its thread already: {by_hand}", file=out)
            continue
        if dry_run and target.name not in opened:
            _print_plan(platform, post, environ, out)
            continue
        try:
            if target.name in opened:
                print(f"{target.name}: already open at {opened[target.name]}", file=out)
            else:
                opened[target.name] = _open(platform, post, environ, client_factory, redact, out)
                write_state(path, threads)
            if not dry_run:
                title = thread_title(config.texts, post)
                _write_thread(settings, issue, target, opened[target.name], title, out)
        except AnnounceError as error:
            failures.append(str(error))
            print(f"{target.name}: FAILED: {error}", file=out)
        except OSError as error:  # content/ not writable: the thread is open all the same
            said = f"{target.name}: the thread is open, but writing it down failed ({error})"
            failures.append(said + ": make content/ writable and run again")
            print(f"{target.name}: FAILED: {said}", file=out)
    primary = config.primary.name
    header_empty = not dry_run and not issue.discussion and primary in opened
    if header_empty and set_empty_discussion(issue.source, opened[primary]):
        print(f"{display_path(issue.source)}: Discussion: {opened[primary]}", file=out)
    if dry_run:
        print("Dry run: nothing was sent and no file was written.", file=out)
    if failures:
        raise AnnounceError(
            f"{len(failures)} of {len(targets)} threads were not opened; run the command again "
            "to retry them (threads already open are kept):\n" + "\n".join(failures)
        )


def _open(
    platform: Platform,
    post: Announcement,
    environ: Mapping[str, str],
    client_factory: ClientFactory,
    redact: Secrets,
    out: TextIO,
) -> str:
    """The target's thread: found on the platform, or opened now."""
    target = platform.target
    given = credentials(environ)
    missing = [credential_label(n) for n in CREDENTIALS[target.platform] if not given[n]]
    if missing:
        raise AnnounceError(
            f"{target.name}: {' and '.join(missing)} not set: nothing was sent there"
        )
    base = checked_base(
        target.api_base(environ), f"{target.name}'s API address ({target.api_variable})"
    )
    with client_factory(name=target.name, base_url=base, redact=redact) as client:
        found = platform.find(client, post)
        if found:
            found = _thread_address(target, found, post.number)
            print(f"{target.name}: found the thread opened before: {found}", file=out)
            return found
        url = _thread_address(target, platform.create(client, post), post.number)
    print(f"{target.name}: opened {url}", file=out)
    return url


def _thread_address(target: Target, url: str, number: int) -> str:
    """The thread's address as the platform's answer built it, checked before anything
    is written: an id or a name with a line break in it ("123\n") would make a state
    file the next run refuses, and a Discussion: header that ends the issue's header."""
    try:
        checked = check_web_url(url)
    except ValueError:
        checked = ""
    if checked != url or not url.startswith("https://"):
        raise AnnounceError(
            f"{target.name}: the platform answered with {url[:120]!r}, which is not a web "
            "address: nothing was written; if the thread was opened, write its address "
            f"in content/discussions/issue-{number}-{target.name}.yml by hand"
        )
    return url


def _print_plan(
    platform: Platform, post: Announcement, environ: Mapping[str, str], out: TextIO
) -> None:
    target = platform.target
    base = target.api_base(environ).rstrip("/")
    print(f"{target.name} ({target.label}, {base}):", file=out)
    for line in platform.plan(post):
        print(f"  {line}", file=out)
    for name in CREDENTIALS[target.platform]:
        source = credential_source(name, environ)
        state = (
            "NOT SET: the real command would skip this target"
            if not source
            else "set"
            if source == name
            else f"set, as {source}"
        )
        print(f"  needs {credential_label(name)}: {state}", file=out)


def _write_thread(
    settings: Mapping[str, Any], issue: Issue, target: Target, url: str, title: str, out: TextIO
) -> None:
    path = thread_file(Path(settings["PATH"]), issue.number, target.name)
    today = datetime.now(site_zone(settings)).date()
    text = thread_text(title, url, today, issue.number, target.label)
    # Checked by `invoke check`'s own rules first: a file it would refuse is never written.
    _thread, problems = parse_thread(path, text, (), today)
    if problems:
        raise AnnounceError(f"{target.name}: the thread file was not written: {problems[0]}")
    if write_thread_file(path, text):
        print(f"Wrote {display_path(path)}", file=out)


def _chosen(targets: Sequence[Target], platforms: Sequence[str]) -> list[Target]:
    if not platforms:
        return list(targets)
    known = {name for target in targets for name in (target.name, target.platform)}
    unknown = [name for name in platforms if name not in known]
    if unknown:
        raise AnnounceError(
            f"--platform {unknown[0]!r} is not a target in HEARTH_ANNOUNCE: use "
            + ", ".join(target.name for target in targets)
        )
    return [
        target for target in targets if target.name in platforms or target.platform in platforms
    ]


def _threads_in_content(settings: Mapping[str, Any], issue: Issue) -> list[str]:
    """The issue's threads the content already names: its header's, and thread files'."""
    named = issue_thread_urls(settings, issue.number)
    return ([issue.discussion] if issue.discussion else []) + named


def _is_on(target: Target, url: str) -> bool:
    """Whether ``url`` is a thread on ``target``'s forum, instance or repository."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path
    if target.platform == "github":
        return host == "github.com" and path.startswith(f"/{target.repository}/discussions/")
    if target.platform == "bluesky":
        return host == "bsky.app" and path.startswith("/profile/")
    return host == (urlsplit(target.url).hostname or "").lower()


def _published_issue(settings: Mapping[str, Any], number: int | None) -> Issue:
    issues, _ = load_site_issues(settings)
    if number is None:
        published = [issue for issue in issues if not issue.is_draft]
        if not published:
            raise AnnounceError("there is no published issue to announce")
        # The newest by date: posts imported from an old archive are numbered after it.
        return max(published, key=lambda issue: (issue.date, issue.number))
    found = [issue for issue in issues if issue.number == number]
    if not found:
        raise AnnounceError(f"there is no issue {number}: run `invoke check` to see every issue")
    if found[0].is_draft:
        raise AnnounceError(f"issue {number} is a draft: publish it first, then announce it")
    return found[0]


def _announcement(settings: Mapping[str, Any], issue: Issue, dry_run: bool) -> Announcement:
    site = str(settings.get("FEED_DOMAIN") or "").rstrip("/")
    if not site.startswith("https://") and not dry_run:
        raise AnnounceError(
            f"the site's public address is {site or 'not set'}: threads must link to an https:// "
            "page; set HEARTH_SITEURL (publishconf.py)"
        )
    path = str(settings.get("ARTICLE_URL", "issues/{number}/")).format(
        number=issue.number, slug=issue.slug
    )
    card = Path(settings.get("OUTPUT_PATH", "output"), "cards", f"issue-{issue.number}.png")
    return Announcement(
        number=issue.number,
        title=issue.title,
        summary=issue.summary,
        url=f"{site}/{path}",
        card=card if card.is_file() else None,
    )
