"""One reader per platform: ask its public API about a thread, return the thread's Activity.

Each reader checks the shape of every answer it uses, because a platform that
changes its API must fail that one thread with a clear message, not end the
whole sync in a KeyError.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from hearth_core.platforms import DiscussionUrl, origin
from hearth_core.text import strip_forbidden
from hearth_discussions.activity import EARLIEST, MOST_REPLIES, TITLE_LIMIT, in_range
from hearth_discussions.fetch import FetchError, FetchPolicy, fetch_json, redact
from hearth_discussions.model import Activity, ChatSpace
from hearth_discussions.settings import github_token

Client = Callable[[httpx.AsyncClient, DiscussionUrl, str, FetchPolicy], Awaitable[Activity]]
Requests = Callable[[DiscussionUrl, str], list[tuple[str, str]]]
T = TypeVar("T")

# Discourse and Mastodon answer on the thread's own host; these two have one API each.
DEFAULT_API = {"reddit": "https://www.reddit.com", "github": "https://api.github.com/graphql"}
# Platforms where any configured space's api serves every thread, whatever the thread's host.
ONE_API = {"reddit", "github"}
NO_TOKEN = "set HEARTH_GITHUB_TOKEN (or GITHUB_TOKEN) to sync GitHub Discussions"
TITLE_LENGTH = 80


def api_base(
    thread: DiscussionUrl,
    spaces: Sequence[ChatSpace],
    apis: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
) -> str:
    """Where to ask about ``thread``: the ``apis`` address for its platform, else a
    configured space's ``api``, else the platform's own (``defaults``, or DEFAULT_API).

    A thread's own server is its host and port: ``forum.example:8443`` is not
    ``forum.example``, neither for matching a space nor for asking.
    """
    replaced = (apis or {}).get(thread.platform or "")
    if replaced:
        return replaced
    for space in spaces:
        if space.platform != thread.platform or not space.api:
            continue
        if thread.platform in ONE_API or origin(space.url) == origin(thread.url):
            return space.api.rstrip("/")
    return {**DEFAULT_API, **(defaults or {})}.get(thread.platform or "", thread.origin)


# The requests each reader makes, also listed by a dry run: one definition, so they agree.
def discourse_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    return [("GET", f"{api}/t/{thread.thread_id}.json")]


def mastodon_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    status = f"{api}/api/v1/statuses/{thread.thread_id}"
    return [("GET", status), ("GET", f"{status}/context")]


def reddit_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    # raw_json=1: titles come as typed, not with &amp; for every ampersand.
    return [("GET", f"{api}/comments/{thread.thread_id}.json?raw_json=1")]


def github_requests(thread: DiscussionUrl, api: str) -> list[tuple[str, str]]:
    return [("POST", api)]


async def discourse(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    ((_, url),) = discourse_requests(thread, api)
    topic = await fetch_json(client, url, policy)
    # posts_count includes the opening post, which is not a reply.
    posts = _count(topic, "posts_count", url)
    return Activity(
        title=_title(_field(topic, "title", str, url)),
        replies=max(posts - 1, 0),
        last_activity=_time(_field(topic, "last_posted_at", str, url), url),
    )


async def mastodon(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    (_, status_url), (_, context_url) = mastodon_requests(thread, api)
    status = await fetch_json(client, status_url, policy)
    # Checked before asking for the context: a wrong status needs no second request.
    started = _time(_field(status, "created_at", str, status_url), status_url)
    # A content warning is there to hide the text behind it: it is the title, if set.
    text = status.get("spoiler_text") if isinstance(status.get("spoiler_text"), str) else ""
    text = text.strip() or plain_text(_field(status, "content", str, status_url))
    context = await fetch_json(client, context_url, policy)
    # The status's own replies_count counts direct replies only; a discussion is the
    # whole tree under the post, which the context's descendants are (as far as the
    # server knows it, and capped by the server for anonymous requests on big threads).
    descendants = _field(context, "descendants", list, context_url)
    times = [started]
    times += [
        _time(_field(reply, "created_at", str, context_url), context_url) for reply in descendants
    ]
    return Activity(title=_title(shorten(text)), replies=len(descendants), last_activity=max(times))


async def reddit(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    ((_, url),) = reddit_requests(thread, api)
    answer = await fetch_json(client, url, policy)
    if not isinstance(answer, list) or len(answer) != 2:
        raise FetchError(url, "unexpected response: expected the post and its comments")
    posts = _children(answer[0], url)
    if not posts:
        raise FetchError(url, "unexpected response: no post in the answer")
    post = _field(posts[0], "data", dict, url)
    times = [_time(_field(post, "created_utc", (int, float), url), url)]
    times += _comment_times(answer[1], url)
    return Activity(
        title=_title(_field(post, "title", str, url)),
        replies=_count(post, "num_comments", url),
        last_activity=max(times),
    )


def _children(listing: Any, url: str) -> list[dict[str, Any]]:
    children = _field(_field(listing, "data", dict, url), "children", list, url)
    return [child for child in children if isinstance(child, dict)]


def _comment_times(listing: Any, url: str) -> Iterator[datetime]:
    """Every comment's time, depth first; a loop, as deep threads would exhaust recursion."""
    pending = [listing]
    while pending:
        for child in _children(pending.pop(), url):
            # "more" stubs stand for comments not sent; they carry no time.
            if child.get("kind") != "t1":
                continue
            comment = _field(child, "data", dict, url)
            yield _time(_field(comment, "created_utc", (int, float), url), url)
            # Reddit sends "" for a comment without replies.
            if isinstance(comment.get("replies"), dict):
                pending.append(comment["replies"])


GITHUB_QUERY = """
query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    discussion(number: $number) {
      title
      createdAt
      comments(last: 100) {
        totalCount
        nodes { createdAt replies(last: 1) { totalCount nodes { createdAt } } }
      }
    }
  }
}
"""


async def github(
    client: httpx.AsyncClient, thread: DiscussionUrl, api: str, policy: FetchPolicy
) -> Activity:
    token = github_token()
    if token is None:
        raise FetchError(thread.url, NO_TOKEN)
    owner, repo = urlsplit(thread.url).path.split("/")[1:3]
    variables = {"owner": owner, "repo": repo, "number": int(thread.thread_id or 0)}
    answer = await fetch_json(
        client,
        api,
        policy,
        method="POST",
        headers={"Authorization": f"bearer {token}"},
        body={"query": GITHUB_QUERY, "variables": variables},
    )
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if errors:
        raise FetchError(api, redact(f"GitHub said: {_graphql_message(errors)}", [token]))
    repository = _field(_field(answer, "data", dict, api), "repository", dict, api)
    discussion = repository.get("discussion")
    if not isinstance(discussion, dict):
        raise FetchError(api, f"{owner}/{repo} has no discussion {variables['number']}")
    return _github_activity(discussion, api)


def _graphql_message(errors: Any) -> str:
    listed = errors if isinstance(errors, list) else [errors]
    said = [error.get("message") for error in listed if isinstance(error, dict)]
    return "; ".join(m for m in said if isinstance(m, str)) or "an error without a message"


def _github_activity(discussion: dict[str, Any], api: str) -> Activity:
    comments = _field(discussion, "comments", dict, api)
    # Comment counts exclude replies to comments; those are counted for the newest
    # 100 comments, which one query gets cheaply and which hold every recent reply.
    replies = _count(comments, "totalCount", api)
    times = []
    for comment in _field(comments, "nodes", list, api):
        if comment is None:  # GraphQL sends null for a comment it may not show
            continue
        times.append(_time(_field(comment, "createdAt", str, api), api))
        answers = _field(comment, "replies", dict, api)
        replies += _count(answers, "totalCount", api)
        for reply in _field(answers, "nodes", list, api):
            if reply is not None:
                times.append(_time(_field(reply, "createdAt", str, api), api))
    started = _time(_field(discussion, "createdAt", str, api), api)
    return Activity(
        title=_title(_field(discussion, "title", str, api)),
        replies=replies,
        last_activity=max(times, default=started),
    )


CLIENTS: dict[str, Client] = {
    "discourse": discourse,
    "mastodon": mastodon,
    "reddit": reddit,
    "github": github,
}
REQUESTS: dict[str, Requests] = {
    "discourse": discourse_requests,
    "mastodon": mastodon_requests,
    "reddit": reddit_requests,
    "github": github_requests,
}


def _field(data: Any, key: str, kind: type[T] | tuple[type, ...], url: str) -> T:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise FetchError(url, f"unexpected response: {key!r} is missing or not {names}")
    return value  # type: ignore[return-value]


def _count(data: Any, key: str, url: str) -> int:
    """A count the platform sent, refused unless it is one (never below 0, never absurd)."""
    value = _field(data, key, int, url)
    if not 0 <= value <= MOST_REPLIES:
        raise FetchError(url, f"unexpected response: {key!r} is {value}, not a count")
    return value


# A server's clock a little ahead of ours is not a hostile answer.
CLOCK_SKEW = timedelta(days=1)


def _time(value: str | float, url: str) -> datetime:
    """A timestamp in UTC to the second: what readers see, and stable across syncs.

    Refused unless it is a time a thread can have had activity: after the
    activity file's earliest date and not in the future.
    """
    try:
        if isinstance(value, str):
            when = datetime.fromisoformat(value)
        else:
            when = datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        raise FetchError(url, f"unexpected response: {value!r} is not a time") from None
    if when.tzinfo is None:
        raise FetchError(url, f"unexpected response: {value!r} has no time zone")
    if not in_range(when) or when > datetime.now(UTC) + CLOCK_SKEW:
        raise FetchError(
            url, f"unexpected response: {value!r} is not between {EARLIEST:%Y} and now"
        )
    return when.astimezone(UTC).replace(microsecond=0)


def _title(text: str) -> str | None:
    """A title as it may be shown: one line, no invisible or forbidden characters, bounded."""
    # One less than the limit: a cut title ends in an ellipsis.
    return shorten(strip_forbidden(text, one_line=True), TITLE_LIMIT - 1) or None


def shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:-–—") + "…"


# Tags that separate words on screen: their text must not run together.
BREAKS = frozenset({"br", "p", "div", "li", "blockquote"})


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# The words of a title are in the post's first few thousand characters; the rest of
# a huge post is not worth parsing.
HTML_READ = 20_000


def plain_text(html: str) -> str:
    """The words of a post's HTML, as a reader sees them, on one line."""
    parser = _TextOnly()
    parser.feed(html[:HTML_READ])
    parser.close()
    return " ".join("".join(parser.parts).split())
