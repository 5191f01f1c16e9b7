"""``invoke sync-discussions``: ask the platforms about every thread the content names.

Builds never go online; this is the one place that does. It fetches what it can,
keeps the previous data of every thread it could not fetch, and rewrites the
activity file only when something changed, so a sync's commit shows what moved.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import httpx

from hearth_core.errors import HearthError
from hearth_core.http_limits import PublicOnly, Resolver, origin_of, system_resolver
from hearth_core.platforms import DEFAULT_LEMMY_INSTANCES, DiscussionUrl, recognise, replies_text
from hearth_core.problems import ContentError, display_path
from hearth_discussions import clients, open_clients
from hearth_discussions.activity import FIELDS, entry_problem, read_activity, write_activity
from hearth_discussions.clients import NO_TOKEN, api_base
from hearth_discussions.collect import discussion_urls
from hearth_discussions.fetch import FetchError, FetchPolicy
from hearth_discussions.model import Activity, ChatSpace
from hearth_discussions.settings import (
    ACTIVITY_FILE,
    chat_spaces,
    discussion_options,
    github_token,
    lemmy_instances,
    platform_apis,
)

# Every platform sync reads, and the requests each makes.
CLIENTS = {**clients.CLIENTS, **open_clients.CLIENTS}
REQUESTS = {**clients.REQUESTS, **open_clients.REQUESTS}

Fetched = dict[str, Activity | FetchError]


@dataclass(frozen=True)
class Job:
    """A thread to fetch, and the API address to ask."""

    thread: DiscussionUrl
    api: str


@dataclass
class Plan:
    """What a sync will do with each thread the content names."""

    jobs: list[Job] = field(default_factory=list)
    # URL -> why it is not fetched; its previous data is kept.
    not_synced: dict[str, str] = field(default_factory=dict)
    # URLs on platforms outside the --platform filter; kept as they are.
    left: list[str] = field(default_factory=list)


class SyncError(HearthError):
    """A sync that cannot start as asked; the message says what to ask instead."""


def check_platforms(names: Collection[str]) -> frozenset[str]:
    """The ``--platform`` filter; raise SyncError naming the platforms sync can read."""
    unknown = sorted(set(names) - set(CLIENTS))
    if unknown:
        raise SyncError(
            f"--platform {unknown[0]}: sync reads only {', '.join(sorted(CLIENTS))}; "
            "threads on other platforms keep what the content says"
        )
    return frozenset(names)


@dataclass(frozen=True)
class Platforms:
    """What the settings say about platforms: the spaces, the hosts that are Lemmy
    instances and the API addresses that replace the public ones."""

    spaces: Sequence[ChatSpace] = ()
    lemmy_instances: frozenset[str] = frozenset(DEFAULT_LEMMY_INSTANCES)
    apis: Mapping[str, str] = field(default_factory=dict)

    def recognise(self, url: str) -> DiscussionUrl:
        return recognise(url, lemmy_instances=self.lemmy_instances)

    def api(self, thread: DiscussionUrl) -> str:
        return api_base(thread, self.spaces, self.apis, open_clients.DEFAULT_API)

    def allowed_origins(self) -> set[tuple[str, int]]:
        """The (host, port) of every space's ``api`` and every replaced API: the only
        private or local addresses sync may ask, as the newsletter's own settings (or
        the environment of who runs it) name them and no member file can."""
        given = [space.api for space in self.spaces if space.api] + list(self.apis.values())
        return {origin_of(address) for address in given}


def plan_sync(
    urls: Sequence[str],
    spaces: Sequence[ChatSpace] | Platforms,
    platforms: Collection[str] = (),
) -> Plan:
    plan = Plan()
    known = spaces if isinstance(spaces, Platforms) else Platforms(spaces)
    has_token = github_token() is not None
    for url in urls:
        try:
            thread = known.recognise(url)
        except ValueError:
            plan.not_synced[url] = "not a discussion link Hearth can read"
            continue
        if platforms and thread.platform not in platforms:
            plan.left.append(url)
        elif thread.platform not in CLIENTS or thread.thread_id is None:
            plan.not_synced[url] = f"{thread.label} has no public API Hearth reads"
        elif thread.platform == "github" and not has_token:
            plan.not_synced[url] = NO_TOKEN
        else:
            plan.jobs.append(Job(thread, known.api(thread)))
    return plan


async def fetch_all(
    jobs: Sequence[Job],
    policy: FetchPolicy,
    *,
    user_agent: str,
    progress: TextIO,
    transport: httpx.AsyncBaseTransport,
) -> Fetched:
    """Each job's Activity or FetchError; one line of progress as each finishes."""
    fetched: Fetched = {}
    semaphore = asyncio.Semaphore(policy.concurrency)
    width = max((len(job.thread.label) for job in jobs), default=0)
    # gzip is the one compression read_limited inflates within its limit.
    headers = {"User-Agent": user_agent, "Accept": "application/json", "Accept-Encoding": "gzip"}
    async with httpx.AsyncClient(headers=headers, transport=transport) as client:

        async def fetch(job: Job) -> None:
            async with semaphore:
                result = await fetch_one(client, job, policy)
            fetched[job.thread.url] = result
            line = progress_line(len(fetched), len(jobs), job.thread, result, width)
            print(line, file=progress, flush=True)

        await asyncio.gather(*(fetch(job) for job in jobs))
    return fetched


async def fetch_one(
    client: httpx.AsyncClient, job: Job, policy: FetchPolicy
) -> Activity | FetchError:
    """The thread's Activity, as the activity file may hold it, or why there is none."""
    try:
        activity = await CLIENTS[job.thread.platform or ""](client, job.thread, job.api, policy)
        problem = entry_problem(activity)
        if problem:
            raise FetchError(job.api, f"unexpected response: {problem}")
    except FetchError as error:
        return error
    except Exception as error:  # whatever one host's answer does, that thread fails alone
        return FetchError(job.api, f"unexpected failure: {type(error).__name__}: {error}")
    return activity


def allowed_origins(spaces: Sequence[ChatSpace]) -> set[tuple[str, int]]:
    """The (host, port) of every space's ``api`` (see ``Platforms.allowed_origins``)."""
    return Platforms(spaces).allowed_origins()


def progress_line(
    done: int, total: int, thread: DiscussionUrl, result: Activity | FetchError, width: int
) -> str:
    """``[ 3/12] Discourse  forum.example/t/slug/12  14 replies``"""
    if isinstance(result, FetchError):
        outcome = f"failed: {result.reason}"
    else:
        outcome = _replies(result.replies)
    count = f"[{done:>{len(str(total))}}/{total}]"
    return f"{count} {thread.label:<{width}}  {_short(thread.url)}  {outcome}"


def merge(
    previous: Mapping[str, Activity], urls: Sequence[str], fetched: Fetched
) -> dict[str, Activity]:
    """Fetched threads get their new activity; the rest keep theirs; unnamed ones go."""
    merged = {url: previous[url] for url in urls if url in previous}
    for url, result in fetched.items():
        if isinstance(result, Activity):
            merged[url] = result
    return merged


def summary(
    previous: Mapping[str, Activity], plan: Plan, fetched: Fetched, dropped: Sequence[str]
) -> list[str]:
    """What the sync changed, what failed and why, and what it left alone."""
    failed = sorted(url for url, result in fetched.items() if isinstance(result, FetchError))
    changed = {
        url: _changes(previous.get(url), result)
        for url, result in sorted(fetched.items())
        if isinstance(result, Activity) and previous.get(url) != result
    }
    new = [url for url in changed if url not in previous]
    unchanged = len(fetched) - len(failed) - len(changed)
    lines = [
        f"Summary: {len(new)} new, {len(changed) - len(new)} updated, {unchanged} unchanged, "
        f"{len(failed)} failed, {len(plan.not_synced)} not synced."
    ]
    if changed:
        lines.append("Changed:")
        for url, changes in changed.items():
            lines.append(f"  {_short(url)}" + (" (new)" if url not in previous else ""))
            lines += [f"    {name}: {old} → {now}" for name, old, now in changes]
    if failed:
        lines.append("Failed (previous data kept):")
        labels = {job.thread.url: job.thread.label for job in plan.jobs}
        for label, urls in _grouped(failed, labels.__getitem__).items():
            lines.append(f"  {label}:")
            lines += [f"    {_short(url)}: {_reason(fetched[url])}" for url in urls]
    lines += not_synced_lines(plan)
    if plan.left:
        lines.append(f"Left alone (not in --platform): {_threads(len(plan.left))}.")
    if dropped:
        lines.append(f"Dropped {_threads(len(dropped))} the content no longer names:")
        lines += [f"  {_short(url)}" for url in dropped]
    return lines


def not_synced_lines(plan: Plan) -> list[str]:
    if not plan.not_synced:
        return []
    lines = ["Not synced (previous data kept):"]
    for reason, urls in _grouped(sorted(plan.not_synced), plan.not_synced.__getitem__).items():
        lines.append(f"  {reason}:")
        lines += [f"    {_short(url)}" for url in urls]
    return lines


def dry_run_lines(plan: Plan) -> list[str]:
    """The requests a sync would make: method and address only, never headers."""
    requests = [
        f"  {method} {url}"
        for job in plan.jobs
        for method, url in REQUESTS[job.thread.platform or ""](job.thread, job.api)
    ]
    lines = [
        f"Dry run: {_threads(len(plan.jobs))} to fetch with {len(requests)} request(s); "
        "none made, nothing written."
    ]
    return lines + requests + not_synced_lines(plan)


def run_sync(
    urls: Sequence[str],
    path: Path,
    spaces: Sequence[ChatSpace] | Platforms,
    *,
    platforms: Collection[str] = (),
    dry_run: bool = False,
    policy: FetchPolicy | None = None,
    user_agent: str = "Hearth discussion sync",
    out: TextIO | None = None,
    progress: TextIO | None = None,
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Sync ``urls`` into the activity file at ``path``; 1 if any thread failed, else 0.

    Raise ContentError, before any request, if the activity file cannot be read:
    writing over it would lose whatever it holds. ``resolver`` names hosts and
    ``transport`` carries the requests once their addresses are checked (tests
    pass their own, so that nothing leaves the machine).
    """
    out, progress = out or sys.stdout, progress or sys.stderr
    policy = policy or FetchPolicy()
    previous, problems = read_activity(path)
    if problems:
        raise ContentError(problems)
    known = spaces if isinstance(spaces, Platforms) else Platforms(spaces)
    plan = plan_sync(urls, known, platforms)
    if dry_run:
        print("\n".join(dry_run_lines(plan)), file=out)
        return 0
    fetched: Fetched = {}
    if plan.jobs:
        print(
            f"Fetching {_threads(len(plan.jobs))}, {policy.concurrency} at a time.", file=progress
        )
        guard = PublicOnly(allowed=known.allowed_origins(), resolver=resolver, transport=transport)
        fetched = asyncio.run(
            fetch_all(plan.jobs, policy, user_agent=user_agent, progress=progress, transport=guard)
        )
    dropped = sorted(set(previous) - set(urls))
    merged = merge(previous, urls, fetched)
    print("\n".join(summary(previous, plan, fetched, dropped)), file=out)
    if (merged or path.exists()) and write_activity(path, merged):
        print(f"Wrote {display_path(path)}: commit it so builds show the new activity.", file=out)
    else:
        print(f"Nothing changed: {display_path(path)} is as it was.", file=out)
    return 1 if any(isinstance(result, FetchError) for result in fetched.values()) else 0


def sync_discussions(
    settings: Mapping[str, Any],
    *,
    platforms: Collection[str] = (),
    dry_run: bool = False,
    policy: FetchPolicy | None = None,
    out: TextIO | None = None,
    progress: TextIO | None = None,
) -> int:
    """Sync every thread the content names; raise ContentError before any request if
    the content has problems, SettingsError for a wrong space, SyncError for a
    wrong platform filter."""
    known = Platforms(chat_spaces(settings), lemmy_instances(settings), platform_apis(settings))
    wanted = check_platforms(platforms)
    urls, problems = discussion_urls(settings)
    if problems:
        raise ContentError(problems)
    path = Path(settings["PATH"], discussion_options(settings)["path"], ACTIVITY_FILE)
    return run_sync(
        urls,
        path,
        known,
        platforms=wanted,
        dry_run=dry_run,
        policy=policy,
        user_agent=user_agent(settings),
        out=out,
        progress=progress,
    )


def user_agent(settings: Mapping[str, Any]) -> str:
    # Reddit refuses generic agents; a named one with a contact address is what it asks for.
    site = settings.get("SITEURL") or settings.get("FEED_DOMAIN") or ""
    return f"Hearth discussion sync (+{site})" if site else "Hearth discussion sync"


def _changes(old: Activity | None, new: Activity) -> list[tuple[str, str, str]]:
    old = old or Activity()
    pairs = [(name, getattr(old, name), getattr(new, name)) for name in FIELDS]
    return [(name, _shown(was), _shown(now)) for name, was, now in pairs if was != now]


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return value.isoformat()
    return f'"{value}"' if isinstance(value, str) else str(value)


def _grouped(urls: Sequence[str], key: Callable[[str], str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for url in urls:
        groups.setdefault(key(url), []).append(url)
    return dict(sorted(groups.items()))


def _reason(result: Activity | FetchError) -> str:
    return result.reason if isinstance(result, FetchError) else ""


def _replies(count: int | None) -> str:
    return replies_text(count) or "no reply count"


def _threads(count: int) -> str:
    return "1 thread" if count == 1 else f"{count} threads"


def _short(url: str) -> str:
    return url.removeprefix("https://")
