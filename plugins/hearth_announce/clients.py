"""The four platforms: for each, the requests a dry run lists, a lookup, and a create.

Before opening a thread, each looks for one it opened before (the state file may have
missed it: a crash between the create and the write). Nothing a platform answers is
used unless it has the documented shape; a thread's address is built from checked ids
and the configured public address, never copied from an answer.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hearth_announce.errors import RemoteError
from hearth_announce.http import JsonClient
from hearth_announce.settings import Target, credentials
from hearth_announce.texts import (
    Announcement,
    link_facets,
    status_text,
    thread_body,
    thread_title,
)

DIGITS = re.compile(r"[0-9]{1,20}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
MASTODON_USER = re.compile(r"[A-Za-z0-9_.]{1,64}")
AT_POST = re.compile(
    r"at://(did:[a-z]+:[A-Za-z0-9._:%-]{1,200})/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,100})"
)
DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,200}")
# Bluesky refuses a thumbnail over this many bytes (app.bsky.embed.external's lexicon).
MAX_THUMB_BYTES = 1_000_000
RECENT = 50


class Platform:
    """One target's requests. ``client`` is None in a dry run: nothing is sent."""

    def __init__(self, target: Target, texts: Mapping[str, str], environ: Mapping[str, str]):
        self.target = target
        self.texts = texts
        self.credentials = credentials(environ)

    def plan(self, post: Announcement) -> list[str]:
        raise NotImplementedError

    def find(self, client: JsonClient, post: Announcement) -> str | None:
        raise NotImplementedError

    def create(self, client: JsonClient, post: Announcement) -> str:
        raise NotImplementedError

    def secret(self, variable: str) -> str:
        return self.credentials.get(variable, "")

    def unexpected(self, what: str, *, maybe_done: bool) -> RemoteError:
        message = f"{self.target.name}: the answer is not what its API describes: {what}"
        if maybe_done:
            message += "; the thread may be open: run the command again, it looks first"
        return RemoteError(message, maybe_done=maybe_done)


def _get(data: Any, *keys: str | int) -> Any:
    """``data[k1][k2]...``, or None where the path is missing or of another type."""
    for key in keys:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and len(data) > key else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


class Discourse(Platform):
    """A topic in a category: POST /posts.json, found again by its ``external_id``."""

    def external_id(self, post: Announcement) -> str:
        return f"hearth-issue-{post.number}"

    def headers(self) -> dict[str, str]:
        return {
            "Api-Key": self.secret("HEARTH_DISCOURSE_API_KEY"),
            "Api-Username": self.secret("HEARTH_DISCOURSE_USERNAME"),
        }

    def plan(self, post: Announcement) -> list[str]:
        title = thread_title(self.texts, post)
        return [
            f"GET /t/external_id/{self.external_id(post)}.json (is the topic open already?)",
            f"POST /posts.json title={title!r} category={self.target.category} "
            f"external_id={self.external_id(post)!r}",
        ]

    def find(self, client: JsonClient, post: Announcement) -> str | None:
        path = f"/t/external_id/{self.external_id(post)}.json"
        answer = client.request("GET", path, headers=self.headers(), allow=frozenset({404}))
        if answer.status == 404:
            return None
        if 300 <= answer.status < 400:
            # Discourse answers with a redirect to the topic: /t/<slug>/<id>(.json).
            found = re.match(
                r"^(?:https?://[^/]+)?/t/([^/]+)/(\d{1,20})(?:\.json)?",
                answer.headers.get("Location", ""),
            )
            if not found:
                raise self.unexpected("a redirect to no topic", maybe_done=False)
            return self.topic_url(found.group(1), found.group(2))
        topic_id, slug = _get(answer.data, "id"), _get(answer.data, "slug")
        if not isinstance(topic_id, int) or isinstance(topic_id, bool):
            raise self.unexpected("the topic has no id", maybe_done=False)
        return self.topic_url(slug, str(topic_id))

    def create(self, client: JsonClient, post: Announcement) -> str:
        body = {
            "title": thread_title(self.texts, post),
            "raw": thread_body(self.texts, post),
            "category": int(self.target.category),
            "external_id": self.external_id(post),
        }
        answer = client.request("POST", "/posts.json", headers=self.headers(), json_body=body)
        topic_id, slug = _get(answer.data, "topic_id"), _get(answer.data, "topic_slug")
        if not isinstance(topic_id, int) or isinstance(topic_id, bool) or topic_id < 1:
            raise self.unexpected("the new post has no topic_id", maybe_done=True)
        return self.topic_url(slug, str(topic_id))

    def topic_url(self, slug: Any, topic_id: str) -> str:
        if not DIGITS.fullmatch(topic_id):
            raise self.unexpected("the topic id is not a number", maybe_done=True)
        shown = slug if isinstance(slug, str) and SLUG.fullmatch(slug) else "topic"
        return f"{self.target.url.rstrip('/')}/t/{shown}/{int(topic_id)}"


REPOSITORY_QUERY = """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id
    discussionCategories(first: 100) { nodes { id name } }
  }
}"""
RECENT_QUERY = """
query($owner: String!, $name: String!, $category: ID!) {
  repository(owner: $owner, name: $name) {
    discussions(first: 50, categoryId: $category, orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { number title body }
    }
  }
}"""
CREATE_MUTATION = """
mutation($repository: ID!, $category: ID!, $title: String!, $body: String!) {
  createDiscussion(
    input: {repositoryId: $repository, categoryId: $category, title: $title, body: $body}
  ) {
    discussion { number url }
  }
}"""


class GitHub(Platform):
    """A discussion: GraphQL ``createDiscussion``, found again by its title or the issue's
    address among the category's newest discussions."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._ids: tuple[str, str] | None = None

    def plan(self, post: Announcement) -> list[str]:
        repo, category = self.target.repository, self.target.category
        return [
            f"POST /graphql query repository({repo}) {{ id, discussionCategories }} "
            f"(the ids of {repo} and its category {category!r})",
            f"POST /graphql query the newest discussions in {category!r} (is it open already?)",
            f"POST /graphql mutation createDiscussion title={thread_title(self.texts, post)!r}",
        ]

    def graphql(
        self, client: JsonClient, query: str, variables: dict[str, Any], *, write: bool
    ) -> Any:
        headers = {"Authorization": f"bearer {self.secret('HEARTH_GITHUB_TOKEN')}"}
        answer = client.request(
            "POST",
            "/graphql",
            headers=headers,
            json_body={"query": query, "variables": variables},
            # A query changes nothing: repeating it is safe.
            idempotent=not write,
        )
        errors = _get(answer.data, "errors")
        if errors:
            said = _get(errors, 0, "message")
            raise RemoteError(
                client.clean(f"{self.target.name}: GraphQL error: {_text(said)}"),
                maybe_done=False,
            )
        data = _get(answer.data, "data")
        if not isinstance(data, dict):
            raise self.unexpected("no data", maybe_done=write)
        return data

    def ids(self, client: JsonClient) -> tuple[str, str]:
        if self._ids is None:
            owner, name = self.target.repository.split("/")
            data = self.graphql(
                client, REPOSITORY_QUERY, {"owner": owner, "name": name}, write=False
            )
            repository_id = _get(data, "repository", "id")
            nodes = _get(data, "repository", "discussionCategories", "nodes")
            if not isinstance(repository_id, str) or not isinstance(nodes, list):
                raise RemoteError(
                    f"{self.target.name}: no repository {self.target.repository}: "
                    "check the settings and the token's access"
                )
            found = [_get(n, "id") for n in nodes if _get(n, "name") == self.target.category]
            if not found or not isinstance(found[0], str):
                raise RemoteError(
                    f"{self.target.name}: {self.target.repository} has no discussion category "
                    f"named {self.target.category!r}: create it, or fix the settings"
                )
            self._ids = (repository_id, found[0])
        return self._ids

    def find(self, client: JsonClient, post: Announcement) -> str | None:
        owner, name = self.target.repository.split("/")
        variables = {"owner": owner, "name": name, "category": self.ids(client)[1]}
        data = self.graphql(client, RECENT_QUERY, variables, write=False)
        nodes = _get(data, "repository", "discussions", "nodes")
        if not isinstance(nodes, list):
            raise self.unexpected("no discussions list", maybe_done=False)
        title = thread_title(self.texts, post)
        for node in nodes:
            body = _get(node, "body")
            mine = _get(node, "title") == title or (isinstance(body, str) and post.url in body)
            number = _get(node, "number")
            if mine and isinstance(number, int) and not isinstance(number, bool) and number > 0:
                return self.discussion_url(number)
        return None

    def create(self, client: JsonClient, post: Announcement) -> str:
        repository_id, category_id = self.ids(client)
        variables = {
            "repository": repository_id,
            "category": category_id,
            "title": thread_title(self.texts, post),
            "body": thread_body(self.texts, post),
        }
        data = self.graphql(client, CREATE_MUTATION, variables, write=True)
        number = _get(data, "createDiscussion", "discussion", "number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise self.unexpected("the new discussion has no number", maybe_done=True)
        return self.discussion_url(number)

    def discussion_url(self, number: int) -> str:
        return f"https://github.com/{self.target.repository}/discussions/{number}"


class Mastodon(Platform):
    """A status, with an ``Idempotency-Key``; found again among the account's recent ones."""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret('HEARTH_MASTODON_TOKEN')}"}

    def idempotency_key(self, post: Announcement) -> str:
        # The same for every run about this issue here: Mastodon answers a repeat
        # within the hour with the status it made the first time.
        return hashlib.sha256(f"hearth announce {post.url} {self.target.url}".encode()).hexdigest()[
            :32
        ]

    def plan(self, post: Announcement) -> list[str]:
        return [
            "GET /api/v1/accounts/verify_credentials (whose statuses to look through)",
            f"GET /api/v1/accounts/<id>/statuses?limit=40 (one linking {post.url} already?)",
            f"POST /api/v1/statuses status={status_text(self.texts, post, 'mastodon')!r} "
            f"visibility={self.target.visibility} "
            f"with Idempotency-Key {self.idempotency_key(post)}",
        ]

    def find(self, client: JsonClient, post: Announcement) -> str | None:
        account = client.request(
            "GET", "/api/v1/accounts/verify_credentials", headers=self.headers()
        ).data
        account_id, username = _get(account, "id"), _get(account, "username")
        if not isinstance(account_id, str) or not DIGITS.fullmatch(account_id):
            raise self.unexpected("the account has no id", maybe_done=False)
        path = f"/api/v1/accounts/{account_id}/statuses"
        statuses = client.request(
            "GET", path, headers=self.headers(), params={"limit": "40", "exclude_replies": "true"}
        ).data
        if not isinstance(statuses, list):
            raise self.unexpected("the statuses are not a list", maybe_done=False)
        linked = (post.url, html.escape(post.url))
        for status in statuses:
            content = _get(status, "content")
            if isinstance(content, str) and any(url in content for url in linked):
                return self.status_url(status, username)
        return None

    def create(self, client: JsonClient, post: Announcement) -> str:
        body = {
            "status": status_text(self.texts, post, "mastodon"),
            "visibility": self.target.visibility,
        }
        headers = {**self.headers(), "Idempotency-Key": self.idempotency_key(post)}
        answer = client.request(
            "POST", "/api/v1/statuses", headers=headers, json_body=body, idempotent=True
        )
        return self.status_url(answer.data, _get(answer.data, "account", "username"))

    def status_url(self, status: Any, username: Any) -> str:
        status_id = _get(status, "id")
        if not isinstance(status_id, str) or not DIGITS.fullmatch(status_id):
            raise self.unexpected("the status has no id", maybe_done=True)
        if not isinstance(username, str) or not MASTODON_USER.fullmatch(username):
            raise self.unexpected("the account has no username", maybe_done=True)
        return f"{self.target.url.rstrip('/')}/@{username}/{status_id}"


class Bluesky(Platform):
    """A post with a link facet and an external embed (the issue's social card as its
    thumbnail); found again among the account's recent posts."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._session: tuple[str, str] | None = None

    def plan(self, post: Announcement) -> list[str]:
        card = "no social card in output/cards/: the link card has no picture"
        if post.card is not None and _card_fits(post.card):
            size = post.card.stat().st_size
            card = f"upload {post.card.name} ({size} bytes) as the link card's thumbnail"
        return [
            f"POST /xrpc/com.atproto.server.createSession identifier={self.target.handle!r}",
            "GET /xrpc/com.atproto.repo.listRecords collection=app.bsky.feed.post (one linking "
            f"{post.url} already?)",
            f"POST /xrpc/com.atproto.repo.uploadBlob: {card}",
            "POST /xrpc/com.atproto.repo.createRecord "
            f"text={status_text(self.texts, post, 'bluesky')!r} "
            "with a link facet and an app.bsky.embed.external",
        ]

    def session(self, client: JsonClient) -> tuple[str, str]:
        if self._session is None:
            body = {
                "identifier": self.target.handle,
                "password": self.secret("HEARTH_BLUESKY_APP_PASSWORD"),
            }
            data = client.request(
                "POST", "/xrpc/com.atproto.server.createSession", json_body=body, idempotent=True
            ).data
            token, did = _get(data, "accessJwt"), _get(data, "did")
            if (
                not isinstance(token, str)
                or not token
                or not isinstance(did, str)
                or not DID.fullmatch(did)
            ):
                raise self.unexpected("the session has no accessJwt or did", maybe_done=False)
            # The session token is a credential too: never in a message.
            client.redact.add(token)
            self._session = (token, did)
        return self._session

    def find(self, client: JsonClient, post: Announcement) -> str | None:
        token, did = self.session(client)
        params = {"repo": did, "collection": "app.bsky.feed.post", "limit": str(RECENT)}
        data = client.request(
            "GET",
            "/xrpc/com.atproto.repo.listRecords",
            headers={"Authorization": f"Bearer {token}"},
            params=params,
        ).data
        records = _get(data, "records")
        if not isinstance(records, list):
            raise self.unexpected("no records list", maybe_done=False)
        for record in records:
            if post.url in _linked(_get(record, "value")):
                return self.post_url(_get(record, "uri"), maybe_done=False)
        return None

    def create(self, client: JsonClient, post: Announcement) -> str:
        token, did = self.session(client)
        headers = {"Authorization": f"Bearer {token}"}
        text = status_text(self.texts, post, "bluesky")
        external: dict[str, Any] = {
            "uri": post.url,
            "title": post.title,
            "description": post.summary,
        }
        if post.card is not None and _card_fits(post.card):
            external["thumb"] = self.upload(client, headers, post.card)
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "facets": link_facets(text, post.url),
            "embed": {"$type": "app.bsky.embed.external", "external": external},
        }
        body = {"repo": did, "collection": "app.bsky.feed.post", "record": record}
        data = client.request(
            "POST", "/xrpc/com.atproto.repo.createRecord", headers=headers, json_body=body
        ).data
        return self.post_url(_get(data, "uri"), maybe_done=True)

    def upload(self, client: JsonClient, headers: dict[str, str], card: Path) -> Any:
        data = client.request(
            "POST", "/xrpc/com.atproto.repo.uploadBlob",
            headers={**headers, "Content-Type": "image/png"}, content=card.read_bytes(),
            # An unused blob is dropped by the server: uploading twice opens nothing.
            idempotent=True,
        ).data  # fmt: skip
        blob = _get(data, "blob")
        if _get(blob, "$type") != "blob" or not isinstance(_get(blob, "ref", "$link"), str):
            raise self.unexpected("the uploaded card is not a blob", maybe_done=False)
        return {
            "$type": "blob",
            "ref": {"$link": _get(blob, "ref", "$link")[:200]},
            "mimeType": "image/png",
            "size": card.stat().st_size,
        }

    def post_url(self, uri: Any, *, maybe_done: bool) -> str:
        found = AT_POST.fullmatch(uri) if isinstance(uri, str) else None
        if not found:
            raise self.unexpected("the post has no at:// uri", maybe_done=maybe_done)
        return f"https://bsky.app/profile/{self.target.handle}/post/{found.group(2)}"


def _linked(value: Any) -> set[str]:
    """Every address a post record links: its embed's, its link facets', its text."""
    found = set()
    uri = _get(value, "embed", "external", "uri")
    if isinstance(uri, str):
        found.add(uri)
    for facet in _get(value, "facets") or []:
        for feature in _get(facet, "features") or []:
            if isinstance(_get(feature, "uri"), str):
                found.add(feature["uri"])
    text = _get(value, "text")
    if isinstance(text, str):
        found.update(word for word in text.split() if word.startswith("https://"))
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "unreadable"


def _card_fits(card: Path | None) -> bool:
    return card is not None and card.is_file() and card.stat().st_size <= MAX_THUMB_BYTES


PLATFORM_CLASSES: Mapping[str, type[Platform]] = {
    "discourse": Discourse,
    "github": GitHub,
    "mastodon": Mastodon,
    "bluesky": Bluesky,
}
