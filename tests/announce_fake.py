"""Discourse, GitHub's GraphQL API, Mastodon and a Bluesky PDS, faked on 127.0.0.1.

One real HTTP server in a thread answers the endpoints `invoke announce` uses, in the
shapes each API documents (Discourse's /posts.json and /t/external_id/<id>.json, GitHub's
repository / discussions / createDiscussion, Mastodon's verify_credentials, statuses and
Idempotency-Key, atproto's createSession, listRecords, uploadBlob and createRecord).
Threads are kept in memory, so a lookup finds what a create made. Faults are queued per
endpoint: a status (401, 500, 429 with Retry-After), malformed JSON, a slow answer, a
connection dropped after the work was done, a hostile answer.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DISCOURSE_KEY = "dk-SECRET-discourse-7a1c"
DISCOURSE_USER = "workbench-bot"
GITHUB_TOKEN = "ghp_SECRETgithubtoken0123456789"
MASTODON_TOKEN = "mt-SECRET-mastodon-token-42"
BLUESKY_PASSWORD = "abcd-efgh-SECR-ETpw"
BLUESKY_JWT = "eyJSECRET.session.jwt"
DID = "did:plc:workbench0000000000000000"
ENVIRON = {
    "HEARTH_DISCOURSE_API_KEY": DISCOURSE_KEY,
    "HEARTH_DISCOURSE_USERNAME": DISCOURSE_USER,
    "HEARTH_GITHUB_TOKEN": GITHUB_TOKEN,
    "HEARTH_MASTODON_TOKEN": MASTODON_TOKEN,
    "HEARTH_BLUESKY_APP_PASSWORD": BLUESKY_PASSWORD,
}
SECRETS = (DISCOURSE_KEY, GITHUB_TOKEN, MASTODON_TOKEN, BLUESKY_PASSWORD, BLUESKY_JWT)


@dataclass
class Fault:
    """What to do instead of (or after) the real answer to one request."""

    status: int = 0
    retry_after: str = ""
    # Answered instead of the real answer: with a status of 400 or more, instead of the
    # work; otherwise after the work was done.
    body: bytes | None = None
    delay: float = 0.0
    drop_after_work: bool = False


@dataclass
class FakePlatforms:
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)  # Discourse, by external_id
    discussions: list[dict[str, Any]] = field(default_factory=list)  # GitHub
    statuses: list[dict[str, Any]] = field(default_factory=list)  # Mastodon
    idempotency: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # Bluesky
    blobs: list[bytes] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, endpoint: str, *faults: Fault) -> None:
        """Queue faults for ``endpoint``: "POST /posts.json", "POST /graphql", ..."""
        self.faults.setdefault(endpoint, []).extend(faults)

    def created(self) -> dict[str, int]:
        return {
            "discourse": len(self.topics),
            "github": len(self.discussions),
            "mastodon": len(self.statuses),
            "bluesky": len(self.records),
        }

    # Each handler returns (status, JSON-able answer) or raises Refused.
    def answer(
        self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if path == "/posts.json" or path.startswith("/t/"):
            if (
                headers.get("Api-Key") != DISCOURSE_KEY
                or headers.get("Api-Username") != DISCOURSE_USER
            ):
                return (
                    403,
                    {
                        "errors": ["You are not permitted to view the requested resource."],
                        "error_type": "invalid_access",
                    },
                    {},
                )
            return self.discourse(method, path, json.loads(body) if body else None)
        if path == "/graphql":
            if headers.get("Authorization") != f"bearer {GITHUB_TOKEN}":
                return (
                    401,
                    {
                        "message": "Bad credentials",
                        "documentation_url": "https://docs.github.com/graphql",
                    },
                    {},
                )
            return self.github(json.loads(body))
        if path.startswith("/api/v1/"):
            if headers.get("Authorization") != f"Bearer {MASTODON_TOKEN}":
                return 401, {"error": "The access token is invalid"}, {}
            return self.mastodon(method, path, headers, json.loads(body) if body else None)
        if path.startswith("/xrpc/"):
            return self.bluesky(method, path, query, headers, body)
        return 404, {"error": "not found"}, {}

    def discourse(self, method: str, path: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path.startswith("/t/external_id/"):
            external = path.removeprefix("/t/external_id/").removesuffix(".json")
            topic = self.topics.get(external)
            if topic is None:
                return (
                    404,
                    {
                        "errors": ["The requested URL or resource could not be found."],
                        "error_type": "not_found",
                    },
                    {},
                )
            return 301, None, {"Location": f"/t/{topic['slug']}/{topic['id']}.json"}
        if method == "POST" and path == "/posts.json":
            if not isinstance(body.get("category"), int) or len(body.get("title", "")) < 15:
                return 422, {"action": "create_post", "errors": ["Title is too short"]}, {}
            topic_id = 100 + len(self.topics)
            slug = "-".join(body["title"].lower().replace(":", "").split())[:50]
            self.topics[body["external_id"]] = {
                "id": topic_id,
                "slug": slug,
                "title": body["title"],
                "raw": body["raw"],
            }
            return (
                200,
                {
                    "id": 900 + topic_id,
                    "topic_id": topic_id,
                    "topic_slug": slug,
                    "post_number": 1,
                    "raw": body["raw"],
                    "username": DISCOURSE_USER,
                },
                {},
            )
        return 404, {"errors": ["not found"]}, {}

    def github(self, request: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        query, variables = request["query"], request.get("variables", {})
        if "createDiscussion" in query:
            number = 40 + len(self.discussions)
            self.discussions.insert(
                0, {"number": number, "title": variables["title"], "body": variables["body"]}
            )
            url = f"https://github.com/theworkbench/community/discussions/{number}"
            return (
                200,
                {"data": {"createDiscussion": {"discussion": {"number": number, "url": url}}}},
                {},
            )
        if "discussionCategories" in query:
            if (variables["owner"], variables["name"]) != ("theworkbench", "community"):
                return (
                    200,
                    {
                        "data": {"repository": None},
                        "errors": [
                            {"type": "NOT_FOUND", "message": "Could not resolve to a Repository"}
                        ],
                    },
                    {},
                )
            categories = [
                {"id": "DIC_kwAnnounce", "name": "Announcements"},
                {"id": "DIC_kwIssues", "name": "Issues"},
            ]
            return (
                200,
                {
                    "data": {
                        "repository": {
                            "id": "R_kgDOworkbench",
                            "discussionCategories": {"nodes": categories},
                        }
                    }
                },
                {},
            )
        if "discussions(" in query:
            nodes = [dict(d) for d in self.discussions[:50]]
            return 200, {"data": {"repository": {"discussions": {"nodes": nodes}}}}, {}
        return 200, {"errors": [{"message": "unknown query"}]}, {}

    def mastodon(
        self, method: str, path: str, headers: Any, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        account = {"id": "1090", "username": "workbench", "acct": "workbench"}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, account, {}
        if path == "/api/v1/accounts/1090/statuses":
            return 200, list(reversed(self.statuses))[:40], {}
        if method == "POST" and path == "/api/v1/statuses":
            key = headers.get("Idempotency-Key", "")
            if key and key in self.idempotency:
                return 200, self.idempotency[key], {}
            status_id = str(115943708215364900 + len(self.statuses))
            text = body["status"]
            status = {
                "id": status_id,
                "url": f"https://social.theworkbench.example/@workbench/{status_id}",
                "content": "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>",
                "visibility": body.get("visibility", "public"),
                "account": account,
            }
            self.statuses.append(status)
            if key:
                self.idempotency[key] = status
            return 200, status, {}
        return 404, {"error": "Record not found"}, {}

    def bluesky(
        self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        name = path.removeprefix("/xrpc/")
        if name == "com.atproto.server.createSession":
            given = json.loads(body)
            if given.get("password") != BLUESKY_PASSWORD:
                return (
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                    {},
                )
            return (
                200,
                {
                    "accessJwt": BLUESKY_JWT,
                    "refreshJwt": "r",
                    "handle": given["identifier"],
                    "did": DID,
                    "active": True,
                },
                {},
            )
        if headers.get("Authorization") != f"Bearer {BLUESKY_JWT}":
            return 401, {"error": "AuthMissing", "message": "Authentication Required"}, {}
        if name == "com.atproto.repo.listRecords":
            records = list(reversed(self.records))[: int(query.get("limit", ["50"])[0])]
            return 200, {"records": records}, {}
        if name == "com.atproto.repo.uploadBlob":
            self.blobs.append(body)
            blob = {
                "$type": "blob",
                "ref": {"$link": f"bafkreiblob{len(self.blobs)}"},
                "mimeType": headers.get("Content-Type"),
                "size": len(body),
            }
            return 200, {"blob": blob}, {}
        if name == "com.atproto.repo.createRecord":
            given = json.loads(body)
            rkey = f"3lannounce{len(self.records):03d}"
            uri = f"at://{given['repo']}/{given['collection']}/{rkey}"
            self.records.append({"uri": uri, "cid": "bafyreicid", "value": given["record"]})
            return 200, {"uri": uri, "cid": "bafyreicid", "validationStatus": "valid"}, {}
        return 400, {"error": "InvalidRequest", "message": f"no method {name}"}, {}


def _handler(fake: FakePlatforms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.handle_any("GET")

        def do_POST(self) -> None:
            self.handle_any("POST")

        def handle_any(self, method: str) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with fake.lock:
                fake.requests.append((method, parts.path, dict(self.headers), body))
                queued = fake.faults.get(f"{method} {parts.path}") or []
                fault = queued.pop(0) if queued else Fault()
                if fault.status >= 400:  # refused: the work is not done
                    self.reply_raw(
                        fault.status,
                        fault.body or b'{"error": "injected fault"}',
                        {"Retry-After": fault.retry_after} if fault.retry_after else {},
                    )
                    return
                status, answer, headers = fake.answer(
                    method, parts.path, parse_qs(parts.query), self.headers, body
                )
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop_after_work:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault.body is not None:  # the work done, then an answer off the API's shape
                self.reply_raw(fault.status or 200, fault.body, {})
                return
            self.reply_raw(status, b"" if answer is None else json.dumps(answer).encode(), headers)

        def reply_raw(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextlib.contextmanager
def running() -> Iterator[tuple[FakePlatforms, str]]:
    """A fake of all four platforms; yields it and its base URL."""
    fake = FakePlatforms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def environ_for(base: str, **overrides: str) -> dict[str, str]:
    """The credentials, and every target's API address moved to the fake."""
    names = ("DISCOURSE", "GITHUB", "MASTODON", "BLUESKY")
    moved = {f"HEARTH_ANNOUNCE_{name}_API": base for name in names}
    return {**ENVIRON, **moved, **overrides}
