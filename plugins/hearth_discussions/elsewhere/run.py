"""``invoke sync-discussions --elsewhere``: ask each platform about the links in the window.

A run asks only what is due (never asked, or asked longer ago than the time to
live), at most ``budget`` requests, newest links first; what it could not ask
waits in the cache for the next run. One platform failing or asking to slow down
never spoils what the others answered, and the committed file keeps every
discussion found before.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from hearth_core.errors import HearthError
from hearth_core.http_limits import PublicOnly, Resolver, origin_of, system_resolver
from hearth_core.problems import ContentError, display_path
from hearth_discussions.collect import discussions_folder
from hearth_discussions.elsewhere.cache import NAME, Asked, query_key, read_asked, write_asked
from hearth_discussions.elsewhere.clients import ShapeError, discussions_in, search_url
from hearth_discussions.elsewhere.model import Found
from hearth_discussions.elsewhere.settings import FILE, Options, Source, elsewhere_options
from hearth_discussions.elsewhere.store import (
    MOST_PER_LINK,
    Discussed,
    entry_problem,
    read_elsewhere,
    write_elsewhere,
)
from hearth_discussions.elsewhere.window import links_in_window
from hearth_discussions.fetch import FetchError, FetchPolicy, Sleep, fetch_json
from hearth_discussions.settings import LOOPBACK_HOSTS
from hearth_issues.collect import load_site_issues
from hearth_members.past import site_now
from hearth_members.site import load_community, site_today

Answer = list[Found] | FetchError
# A platform that gave no answer this many times in a row (no network, the host down)
# is asked nothing more this run: its queries stay due for the next.
UNREACHABLE_IN_A_ROW = 2


class ElsewhereError(HearthError):
    """A run that cannot start as asked; the message says what to ask instead."""


@dataclass(frozen=True)
class Query:
    source: Source
    link: str

    @property
    def key(self) -> str:
        return query_key(self.source.key, self.link)


def due_queries(
    links: Sequence[str], sources: Sequence[Source], asked: Asked, now: datetime, ttl: timedelta
) -> list[Query]:
    """What to ask, first what was never asked (newest links first), then the oldest answers."""
    never: list[Query] = []
    stale: list[tuple[datetime, int, Query]] = []
    for link in links:
        for source in sources:
            query = Query(source, link)
            when = asked.get(query.key)
            if when is None:
                never.append(query)
            elif now - when >= ttl:
                stale.append((when, len(stale), query))
    return never + [query for _when, _order, query in sorted(stale, key=lambda s: s[:2])]


class Pacer:
    """Keeps ``interval`` seconds between the starts of two requests to one platform."""

    def __init__(self, interval: float, sleep: Sleep, clock: Callable[[], float]) -> None:
        self._interval, self._sleep, self._clock = interval, sleep, clock
        self._last: float | None = None

    async def wait(self) -> None:
        if self._last is not None:
            pause = self._last + self._interval - self._clock()
            if pause > 0:
                await self._sleep(pause)

    def started(self) -> None:
        self._last = self._clock()


async def ask_all(
    queries: Sequence[Query],
    options: Options,
    policy: FetchPolicy,
    *,
    user_agent: str,
    transport: httpx.AsyncBaseTransport,
    progress: TextIO,
    clock: Callable[[], float] = time.monotonic,
) -> dict[Query, Answer]:
    """Each query's discussions, or why it failed. Each platform (each Lemmy instance)
    is asked one request at a time, paced; a platform that says "too many requests"
    for longer than a retry waits is asked nothing more this run (its queries stay due)."""
    answers: dict[Query, Answer] = {}
    semaphore = asyncio.Semaphore(options.concurrency)
    by_source: dict[Source, list[Query]] = {}
    for query in queries:
        by_source.setdefault(query.source, []).append(query)
    # Reddit refuses generic agents: a named one with the site's address is what it asks.
    headers = {"User-Agent": user_agent, "Accept": "application/json", "Accept-Encoding": "gzip"}
    async with httpx.AsyncClient(headers=headers, transport=transport) as client:

        async def ask_in_turn(source: Source, asked: list[Query]) -> None:
            pacer = Pacer(options.min_interval[source.platform], policy.sleep, clock)
            unreachable = 0  # answers in a row that never came (no network, host down)
            for query in asked:
                await pacer.wait()
                async with semaphore:
                    pacer.started()
                    answer = await ask_one(client, query, policy)
                answers[query] = answer
                print(progress_line(len(answers), len(queries), query, answer), file=progress)
                if isinstance(answer, FetchError) and answer.status == 429:
                    return
                no_answer = isinstance(answer, FetchError) and answer.status is None
                unreachable = unreachable + 1 if no_answer else 0
                if unreachable >= UNREACHABLE_IN_A_ROW:
                    # Each further query would wait out its retries for the same silence.
                    print(f"{source.label}: no answer {unreachable} times in a row: asked "
                          "nothing more this run", file=progress)  # fmt: skip
                    return

        await asyncio.gather(*(ask_in_turn(*pair) for pair in by_source.items()))
    return answers


async def ask_one(client: httpx.AsyncClient, query: Query, policy: FetchPolicy) -> Answer:
    url = search_url(query.source, query.link)
    try:
        answer = await fetch_json(client, url, policy)
        return discussions_in(query.source, query.link, answer)
    except FetchError as error:
        return error
    except ShapeError as error:
        return FetchError(url, f"unexpected response: {error}")
    except Exception as error:  # whatever one answer does, that query fails alone
        return FetchError(url, f"unexpected failure: {type(error).__name__}: {error}")


def progress_line(done: int, total: int, query: Query, answer: Answer) -> str:
    if isinstance(answer, FetchError):
        outcome = f"failed: {answer.reason}"
    else:
        outcome = f"{len(answer)} discussion{'' if len(answer) == 1 else 's'}"
    link = query.link.removeprefix("https://")
    return f"[{done:>{len(str(total))}}/{total}] {query.source.label}  {link}  {outcome}"


def merge(
    previous: Mapping[str, Sequence[Found]],
    answers: Mapping[Query, Answer],
    lemmy_hosts: frozenset[str],
) -> Discussed:
    """Each answered (platform, link) replaces what was known of it; all else stays."""
    merged = {link: list(found) for link, found in previous.items()}
    for query, answer in answers.items():
        if isinstance(answer, FetchError):
            continue
        source = query.source
        kept = [
            found
            for found in merged.get(query.link, [])
            if found.platform != source.platform
            or (source.platform == "lemmy" and found.host != source.host)
        ]
        fresh = [found for found in answer if not entry_problem(found, lemmy_hosts)]
        merged[query.link] = kept + fresh
    return {
        link: tuple(sorted(found, key=lambda f: -(f.comments or 0))[:MOST_PER_LINK])
        for link, found in merged.items()
        if found
    }


def allowed_origins(sources: Sequence[Source]) -> set[tuple[str, int]]:
    """Loopback API bases the settings name (a test's fakes): the only local addresses asked."""
    probes = [source.api for source in sources]
    return {origin_of(api) for api in probes if urlsplit(api).hostname in LOOPBACK_HOSTS}


@dataclass(frozen=True)
class Paths:
    discussed: Path  # the committed file
    asked: Path  # the cache of when each query was last answered


def run_elsewhere(
    links: Sequence[str],
    paths: Paths,
    options: Options,
    *,
    now: datetime | None = None,
    policy: FetchPolicy | None = None,
    user_agent: str = "Hearth elsewhere search",
    out: TextIO | None = None,
    progress: TextIO | None = None,
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
    dry_run: bool = False,
) -> int:
    """Ask what is due about ``links`` within the budget; 1 if any request failed, else 0.
    A dry run lists those requests instead, makes none and writes nothing.

    ContentError, before any request, if the committed file cannot be read:
    writing over it would lose what it holds.
    """
    out, progress = out or sys.stdout, progress or sys.stderr
    policy = policy or FetchPolicy(concurrency=options.concurrency)
    now = now or datetime.now(UTC)
    previous, problems = read_elsewhere(paths.discussed, options.lemmy_hosts)
    if problems:
        raise ContentError(problems)
    asked = read_asked(paths.asked)
    due = due_queries(links, options.sources, asked, now, timedelta(days=options.ttl_days))
    chosen = due[: options.budget]
    print(
        f"{len(links)} link(s) in the window; {len(due)} request(s) due, "
        f"{len(chosen)} within this run's budget of {options.budget}.",
        file=progress,
    )
    if dry_run:
        print("\n".join(dry_run_lines(due, chosen, options.budget, paths)), file=out)
        return 0
    answers: dict[Query, Answer] = {}
    if chosen:
        guard = PublicOnly(
            allowed=allowed_origins(options.sources), resolver=resolver, transport=transport
        )
        answers = asyncio.run(
            ask_all(
                chosen,
                options,
                policy,
                user_agent=user_agent,
                transport=guard,
                progress=progress,
                clock=clock,
            )
        )
    for query, answer in answers.items():
        if not isinstance(answer, FetchError):
            asked[query.key] = now
    merged = merge(previous, answers, options.lemmy_hosts)
    print("\n".join(summary(due, chosen, answers, merged)), file=out)
    write_asked(paths.asked, asked)
    if (merged or paths.discussed.exists()) and write_elsewhere(paths.discussed, merged):
        where = display_path(paths.discussed)
        print(f"Wrote {where}: commit it so builds show the discussions.", file=out)
    else:
        print(f"Nothing changed: {display_path(paths.discussed)} is as it was.", file=out)
    return 1 if any(isinstance(answer, FetchError) for answer in answers.values()) else 0


def dry_run_lines(
    due: Sequence[Query], chosen: Sequence[Query], budget: int, paths: Paths
) -> list[str]:
    """The requests a run would make, newest links first as the run takes them, listed as
    a sync's dry run lists them: method and address (these searches send no credential)."""
    lines = [
        f"Dry run: {len(due)} request(s) due, {len(chosen)} within this run's budget of "
        f"{budget}; none made, nothing written.",
        *(f"  GET {search_url(query.source, query.link)}" for query in chosen),
    ]
    if len(due) > len(chosen):
        lines.append(f"{len(due) - len(chosen)} request(s) would be left for the next run.")
    if chosen:
        lines.append(
            f"A run would write what they find to {display_path(paths.discussed)}, and when "
            f"each was asked to {display_path(paths.asked)}."
        )
    return lines


def summary(
    due: Sequence[Query],
    chosen: Sequence[Query],
    answers: Mapping[Query, Answer],
    merged: Mapping[str, Sequence[Found]],
) -> list[str]:
    failed = [(query, a) for query, a in answers.items() if isinstance(a, FetchError)]
    found = sum(len(a) for a in answers.values() if not isinstance(a, FetchError))
    left = len(due) - len(answers) + len(failed)
    lines = [
        f"Summary: {len(answers) - len(failed)} answered, {len(failed)} failed, "
        f"{found} discussion(s) found; {len(merged)} link(s) discussed elsewhere in all."
    ]
    if failed:
        lines.append("Failed (asked again next run; what was found before is kept):")
        lines += [
            f"  {query.source.label}  {query.link.removeprefix('https://')}: {error.reason}"
            for query, error in failed
        ]
    if left:
        lines.append(
            f"{left} request(s) left for the next run (the budget, rate limits, or a "
            "platform that did not answer)."
        )
    return lines


def sync_elsewhere(
    settings: Mapping[str, Any],
    *,
    issues: int | None = None,
    days: int | None = None,
    budget: int | None = None,
    dry_run: bool = False,
    policy: FetchPolicy | None = None,
    out: TextIO | None = None,
    progress: TextIO | None = None,
) -> int:
    """Look for discussions elsewhere of the links in the window the settings (or the
    task's options) give, or with ``dry_run`` list the requests that would; ContentError
    before any request if the content has problems."""
    options = elsewhere_options(settings)
    widened = {"issues": issues, "days": days, "budget": budget}
    for key, value in widened.items():
        if value is not None and value < (0 if key == "budget" else 1):
            raise ElsewhereError(f"--{key} {value}: give a whole number of at least 1")
    options = replace(
        options,
        issues=issues or options.issues,
        days=days or options.days,
        budget=options.budget if budget is None else budget,
    )
    site_issues, problems = load_site_issues(settings)
    members, member_problems = load_community(settings, site_issues)
    if problems or member_problems:
        raise ContentError(sorted(problems + member_problems))
    links = links_in_window(
        site_issues,
        members,
        now=site_now(settings.get("TIMEZONE")),
        today=site_today(settings),
        newest_issues=options.issues,
        days=options.days,
    )
    paths = Paths(
        discussions_folder(settings) / FILE,
        Path(settings.get("CACHE_PATH") or "cache", NAME),
    )
    return run_elsewhere(
        links,
        paths,
        options,
        policy=policy,
        user_agent=user_agent(settings),
        out=out,
        progress=progress,
        dry_run=dry_run,
    )


def user_agent(settings: Mapping[str, Any]) -> str:
    site = settings.get("SITEURL") or settings.get("FEED_DOMAIN") or ""
    return f"Hearth elsewhere search (+{site})" if site else "Hearth elsewhere search"
