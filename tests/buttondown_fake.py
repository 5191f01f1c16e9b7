"""A fake Buttondown on 127.0.0.1, checked against Buttondown's own OpenAPI spec.

The spec is vendored in ``tests/data/buttondown-openapi.json``; what it leaves out (the
version pin, idempotency, first live sends ...) is listed in ``tests/data/README.md``.

A real HTTP server in a thread keeps emails in memory and answers the email
endpoints the way Buttondown's docs say it does (idempotency keys replay the first
answer, slugs are unique, front matter is refused, pages link with ``next``).
Every request is checked against the spec: its path and method, its query
parameters and its JSON body; answers are checked too. Anything off is recorded
in ``violations``, which the ``running`` context manager asserts empty at the end.
Faults are queued per endpoint: 429 with Retry-After, 500, a slow answer, and a
connection dropped after the work was done. A hostile Buttondown is played the same
way: the work is done, then the answer is changed off the spec on purpose (no id, an
empty body, bytes that never end); such answers are not counted as violations.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent / "data" / "buttondown-openapi.json"
SPEC_URI = "urn:buttondown:openapi"
API_KEY = "bd-test-KEY-4f1c9a77e2d3b5061a8c-never-print-me"
API_VERSION = "2026-04-01"
TYPEID = "0123456789abcdefghjkmnpqrstvwxyz"
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(\n|\Z)", re.S)
EXCLUDABLE_DEFAULTS = {"body": ""}
ARCHIVE = "https://buttondown.com/theworkbench/archive"


@functools.cache
def load_spec() -> dict[str, Any]:
    # Part of the clone: a missing spec is a broken checkout, never a reason to skip.
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value)  # ValueError: not a date-time
    return parsed.tzinfo is not None


FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time", raises=ValueError)(_date_time)
FORMATS.checks("date", raises=ValueError)(lambda value: bool(datetime.strptime(value, "%Y-%m-%d")))


class Contract:
    """The spec as checks: each returns a list of what is wrong, empty when all is well."""

    def __init__(self, spec: dict[str, Any]) -> None:
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self.paths = spec["paths"]
        self.routes = sorted(
            (
                (re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), path)
                for path in self.paths
            ),
            key=lambda route: route[1].count("{"),
        )
        self.validators: dict[str, Draft202012Validator] = {}

    def route(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        for pattern, template in self.routes:
            found = pattern.match(path)
            if found and method.lower() in self.paths[template]:
                return template, found.groupdict()
        return None

    def errors(self, pointer: str, instance: Any) -> list[str]:
        if pointer not in self.validators:
            schema = {"$ref": f"{SPEC_URI}#{quote(pointer, safe='/~')}"}
            self.validators[pointer] = Draft202012Validator(
                schema, registry=self.registry, format_checker=FORMATS
            )
        found = self.validators[pointer].iter_errors(instance)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]

    def check_request(
        self, method: str, template: str, query: dict[str, list[str]], body: Any, has_body: bool
    ) -> list[str]:
        operation = self.paths[template][method.lower()]
        where = f"{method} {template}"
        problems = self._check_query(operation, query, _pointer(template, method))
        declared = operation.get("requestBody")
        if declared is None:
            if has_body:
                problems.append("a body, which the spec does not declare")
        elif not has_body:
            if declared.get("required"):
                problems.append("no JSON body, which the spec requires")
        else:
            pointer = _pointer(template, method, "requestBody/content/application~1json/schema")
            problems += self.errors(pointer, body)
        return [f"{where}: {problem}" for problem in problems]

    def _check_query(
        self, operation: dict[str, Any], query: dict[str, list[str]], base: str
    ) -> list[str]:
        parameters = {
            p["name"]: (index, p)
            for index, p in enumerate(operation.get("parameters", []))
            if p["in"] == "query"
        }
        problems = []
        for name, values in query.items():
            if name not in parameters:
                problems.append(f"query parameter {name!r} is not in the spec")
                continue
            index, parameter = parameters[name]
            schema = parameter["schema"]
            if schema.get("type") != "array" and len(values) > 1:
                problems.append(f"query parameter {name!r} given {len(values)} times")
            value = _coerced(schema, values)
            for error in self.errors(f"{base}/parameters/{index}/schema", value):
                problems.append(f"query parameter {name!r}: {error}")
        return problems

    def check_response(self, method: str, template: str, status: int, body: Any) -> list[str]:
        response = self.paths[template][method.lower()]["responses"].get(str(status))
        if response is None:
            return [f"{method} {template}: the fake answered {status}, not in the spec"]
        if "content" not in response or body is None:
            return []
        pointer = _pointer(template, method, f"responses/{status}/content/application~1json/schema")
        errors = self.errors(pointer, body)
        return [f"{method} {template} answer {status}: {error}" for error in errors]


def _pointer(template: str, method: str, rest: str = "") -> str:
    path = template.replace("~", "~0").replace("/", "~1")
    return f"/paths/{path}/{method.lower()}" + (f"/{rest}" if rest else "")


def _coerced(schema: dict[str, Any], values: list[str]) -> Any:
    """Query strings as the JSON values their schema describes."""
    if schema.get("type") == "array":
        return [_scalar(schema.get("items", {}), value) for value in values]
    return _scalar(schema, values[-1])


def _scalar(schema: dict[str, Any], value: str) -> Any:
    kind = schema.get("type")
    with contextlib.suppress(ValueError):
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    return value


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one request: ``rate_limit`` and ``error`` happen before the work,
    ``slow`` and ``drop`` after it (the work is done, the answer is late or never comes)."""

    kind: str
    status: int = 500
    retry_after: int | None = None
    delay: float = 0.0
    # For "hostile": what the real answer becomes.
    change: Callable[[Answer], Answer] | None = None


def rate_limit(retry_after: int = 1) -> Fault:
    return Fault("rate_limit", status=429, retry_after=retry_after)


def server_error(status: int = 500) -> Fault:
    return Fault("error", status=status)


def slow(delay: float) -> Fault:
    return Fault("slow", delay=delay)


def drop() -> Fault:
    return Fault("drop")


def hostile(change: Callable[[Any], Any], *, status: int | None = None) -> Fault:
    """The work is done, then the answer's JSON body becomes ``change(body)``."""
    return Fault(
        "hostile",
        change=lambda real: Answer(status or real.status, change(real.body), dict(real.headers)),
    )


def hostile_bytes(data: bytes, *, status: int | None = None, **headers: str) -> Fault:
    """The work is done, then the answer is these bytes as they are (b"" for an empty one)."""
    return Fault(
        "hostile", change=lambda real: Answer(status or real.status, raw=data, headers=headers)
    )


def endless(chunk: bytes = b"x" * 65536, *, pause: float = 0.0, status: int = 200) -> Fault:
    """The answer never ends: ``chunk`` after ``chunk`` (``pause`` s apart) until the client
    hangs up. ``FakeButtondown.streamed`` counts the bytes that went out."""
    return Fault(
        "hostile",
        change=lambda real: Answer(status, chunk=chunk, pause=pause),
    )


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Hostile answers: these bytes instead of the body's JSON; or ``chunk`` over and over.
    raw: bytes | None = None
    chunk: bytes = b""
    pause: float = 0.0


DROP = Answer(0)


class FakeButtondown:
    """Buttondown's email API in memory; ``url`` is the base to give the client."""

    def __init__(self, *, api_key: str = API_KEY, page_size: int = 3) -> None:
        self.contract = Contract(load_spec())
        self.api_key = api_key
        self.page_size = page_size
        # Where ``next`` links point; a test may move them to another host.
        self.next_origin = ""
        # Buttondown refuses a key's first live send until it is confirmed with a header.
        self.live_confirmed = False
        self.emails: dict[str, dict[str, Any]] = {}
        self.requests: list[Seen] = []
        self.violations: list[str] = []
        self.previews: list[tuple[str, list[str]]] = []
        self.faults: dict[tuple[str, str], list[Fault]] = {}
        self.replays: dict[str, tuple[tuple[str, str, Any], Answer]] = {}
        self.lock = threading.Lock()
        self.counter = 0
        # Bytes of endless answers that went out before the client hung up.
        self.streamed = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self  # type: ignore[attr-defined]
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.origin}/v1"

    # Driving the fake from a test.

    def fail(self, method: str, template: str, *faults: Fault) -> None:
        """Queue faults for the next requests to ``method template`` ("POST", "/emails")."""
        self.faults.setdefault((method, template), []).extend(faults)

    def add_email(self, **fields: Any) -> dict[str, Any]:
        """An email already on Buttondown (made in its editor, or sent long ago)."""
        with self.lock:
            email = self._new_email({"status": "sent", "source": "app", **fields})
        return email

    def issue_emails(self, number: int) -> list[dict[str, Any]]:
        return [
            email
            for email in self.emails.values()
            if email["secondary_id"] == number and email["status"] != "deleted"
        ]

    def calls(self, method: str, template: str) -> list[Seen]:
        return [
            seen
            for seen in self.requests
            if (seen.method, _template(self, seen)) == (method, template)
        ]

    # Answering requests.

    def handle(self, method: str, raw_path: str, headers: dict[str, str], raw: bytes) -> Answer:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        body = _json(raw)
        fault: Fault | None = None
        with self.lock:
            self.requests.append(Seen(method, parts.path, query, headers, body))
            route = self.contract.route(method, parts.path.removeprefix("/v1"))
            if not parts.path.startswith("/v1/") or route is None:
                self.violations.append(f"{method} {parts.path}: no such operation in the spec")
                return Answer(404, {"detail": "Not found."})
            template, ids = route
            self._check_headers(method, template, headers)
            self.violations += self.contract.check_request(method, template, query, body, bool(raw))
            if headers.get("authorization") != f"Token {self.api_key}":
                given = headers.get("authorization", "")
                # Careless servers echo what they were given; the client must not repeat it.
                return self._answer(
                    method,
                    template,
                    Answer(
                        401, {"code": "authentication_invalid", "detail": f"Invalid token: {given}"}
                    ),
                )
            queued = self.faults.get((method, template))
            fault = queued.pop(0) if queued else None
            if fault and fault.kind in ("rate_limit", "error"):
                return self._fault_answer(fault)
            answer = self._replayed(method, parts.path, body, headers)
            if answer is None:
                answer = self._answer(
                    method, template, self._do(method, template, ids, query, body, headers)
                )
                key = headers.get("x-idempotency-key")
                if key:
                    self.replays[key] = ((method, parts.path, body), answer)
        if fault and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault and fault.change is not None:
            return fault.change(answer)
        return DROP if fault and fault.kind == "drop" else answer

    def _check_headers(self, method: str, template: str, headers: dict[str, str]) -> None:
        if headers.get("x-api-version") != API_VERSION:
            self.violations.append(f"{method} {template}: X-API-Version is not {API_VERSION}")
        key = headers.get("x-idempotency-key")
        if key is not None and not 0 < len(key) <= 200:
            self.violations.append(f"{method} {template}: X-Idempotency-Key of {len(key)} chars")

    def _replayed(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> Answer | None:
        key = headers.get("x-idempotency-key")
        if not key or key not in self.replays:
            return None
        first, answer = self.replays[key]
        if first != (method, path, body):
            self.violations.append(
                f"{method} {path}: idempotency key {key} reused for another request"
            )
        return answer

    def _fault_answer(self, fault: Fault) -> Answer:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        detail = "Too many requests." if fault.status == 429 else "Server error."
        return Answer(fault.status, {"detail": detail}, headers)

    def _answer(self, method: str, template: str, answer: Answer) -> Answer:
        body = answer.body
        if isinstance(body, dict) and "results" in body:
            # excluded_fields leaves out fields the spec calls required: fill them to check.
            body = {**body, "results": [EXCLUDABLE_DEFAULTS | item for item in body["results"]]}
        if answer.status != 422:
            self.violations += self.contract.check_response(method, template, answer.status, body)
        return answer

    def _do(
        self,
        method: str,
        template: str,
        ids: dict[str, str],
        query: dict,
        body: Any,
        headers: dict[str, str],
    ) -> Answer:
        if method in ("POST", "PATCH") and not isinstance(body, dict):
            return Answer(
                422, {"detail": [{"type": "type", "loc": ["body"], "msg": "not an object"}]}
            )
        if method == "GET" and template == "/emails":
            return self._list(query)
        if method == "POST" and template == "/emails":
            return self._create(body, headers)
        email = self.emails.get(ids.get("id", ""))
        if email is None or email["status"] == "deleted":
            return Answer(404, {"code": "email_not_found", "detail": "No email with that id."})
        if method == "GET" and template == "/emails/{id}":
            return Answer(200, dict(email))
        if method == "PATCH" and template == "/emails/{id}":
            return self._update(email, body)
        if method == "POST" and template == "/emails/{id}/send-draft":
            self.previews.append((email["id"], list(body.get("recipients") or [])))
            return Answer(200)
        if method == "POST" and template == "/emails/{id}/publish":
            return self._publish(email, body, headers)
        self.violations.append(f"{method} {template}: the fake does not play this endpoint")
        return Answer(409)

    def _list(self, query: dict[str, list[str]]) -> Answer:
        emails = [e for e in self.emails.values() if e["status"] != "deleted"]
        if query.get("status"):
            emails = [e for e in emails if e["status"] in query["status"]]
        if query.get("subject"):
            emails = [e for e in emails if query["subject"][0].lower() in e["subject"].lower()]
        order = (query.get("ordering") or ["creation_date"])[0]
        emails.sort(key=lambda e: e.get(order.lstrip("-")) or "", reverse=order.startswith("-"))
        page = int((query.get("page") or ["1"])[0])
        start = (page - 1) * self.page_size
        if page < 1 or (start and start >= len(emails)):
            return Answer(404, {"detail": "Invalid page."})
        results = [dict(e) for e in emails[start : start + self.page_size]]
        for name in query.get("excluded_fields", []):
            for result in results:
                result.pop(name, None)
        more = start + self.page_size < len(emails)
        return Answer(
            200,
            {
                "count": len(emails),
                "results": results,
                "next": self._page_url(query, page + 1) if more else None,
                "previous": self._page_url(query, page - 1) if page > 1 else None,
            },
        )

    def _page_url(self, query: dict[str, list[str]], page: int) -> str:
        pairs = [(k, v) for k, values in query.items() if k != "page" for v in values]
        base = f"{self.next_origin}/v1" if self.next_origin else self.url
        return f"{base}/emails?{urlencode([*pairs, ('page', page)])}"

    def _create(self, body: dict[str, Any], headers: dict[str, str]) -> Answer:
        if "status" not in body:
            self.violations.append(
                "POST /emails without status: the pinned default differs from the spec's"
            )
        refused = self._refused(body, headers)
        if refused:
            return refused
        return Answer(201, self._new_email({"source": "api", **body}))

    def _update(self, email: dict[str, Any], body: dict[str, Any]) -> Answer:
        if email["status"] not in ("draft", "scheduled"):
            return Answer(
                400, {"code": "email_already_sent", "detail": "Sent emails cannot be changed."}
            )
        changes = {k: v for k, v in body.items() if v is not None}
        refused = self._refused(changes, {}, current=email["id"])
        if refused:
            return refused
        email.update(changes, modification_date=self._now())
        if changes.get("status") == "draft":
            email["publish_date"] = None
        return Answer(200, dict(email))

    def _publish(
        self, email: dict[str, Any], body: dict[str, Any], headers: dict[str, str]
    ) -> Answer:
        if email["status"] != "draft":
            return Answer(
                400, {"code": "email_already_sent", "detail": f"This email is {email['status']}."}
            )
        if not self._live(headers):
            return Answer(
                400,
                {"code": "sending_requires_confirmation", "detail": "Confirm the first live send."},
            )
        when = body.get("publish_date")
        if when:
            if datetime.fromisoformat(when) <= datetime.now(UTC):
                return Answer(400, {"code": "publish_date_invalid", "detail": "That time is past."})
            email.update(status="scheduled", publish_date=when)
        else:
            email.update(status="about_to_send", publish_date=self._now())
        email["modification_date"] = self._now()
        return Answer(200, dict(email))

    def _refused(
        self, body: dict[str, Any], headers: dict[str, str], current: str = ""
    ) -> Answer | None:
        if FRONT_MATTER.match(body.get("body") or ""):
            return Answer(
                400, {"code": "body_contains_frontmatter", "detail": "Remove the front matter."}
            )
        slug = body.get("slug")
        if slug and any(
            e["slug"] == slug and e["id"] != current and e["status"] != "deleted"
            for e in self.emails.values()
        ):
            return Answer(
                400, {"code": "slug_invalid", "detail": f"An email with slug {slug} exists."}
            )
        if body.get("status") in ("about_to_send", "scheduled") and not self._live(headers):
            return Answer(
                400,
                {"code": "sending_requires_confirmation", "detail": "Confirm the first live send."},
            )
        return None

    def _live(self, headers: dict[str, str]) -> bool:
        if headers.get("x-buttondown-live-dangerously") == "true":
            self.live_confirmed = True
        return self.live_confirmed

    def _new_email(self, fields: dict[str, Any]) -> dict[str, Any]:
        self.counter += 1
        email_id = (
            "em_0"
            + "".join(TYPEID[(self.counter * 7 + i) % 32] for i in range(24))
            + TYPEID[self.counter % 32]
        )
        now = self._now()
        email = {
            "id": email_id,
            "creation_date": now,
            "modification_date": now,
            "absolute_url": f"{ARCHIVE}/{fields.get('slug') or email_id}/",
            "body": "",
            "canonical_url": "",
            "commenting_mode": "enabled",
            "description": "",
            "archival_mode": "enabled",
            "featured": False,
            "filters": {"filters": [], "groups": [], "predicate": "and"},
            "image": "",
            "related_email_ids": [],
            "should_trigger_pay_per_email_billing": False,
            "metadata": {},
            "secondary_id": None,
            "slug": None,
            "publish_date": None,
            "status": "draft",
            "subject": "",
        } | fields
        self.emails[email_id] = email
        return dict(email)

    def _now(self) -> str:
        # Strictly increasing, so every change gets a modification date of its own.
        self.counter += 1
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.counter)
        return moment.isoformat().replace("+00:00", "Z")


def _template(fake: FakeButtondown, seen: Seen) -> str:
    route = fake.contract.route(seen.method, seen.path.removeprefix("/v1"))
    return route[0] if route else seen.path


def _json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:
        self._respond()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def _respond(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.fake.handle(self.command, self.path, headers, raw)
        if answer is DROP:
            self.close_connection = True
            return  # the work is done, but the client never hears of it
        if answer.chunk:
            self._stream(answer)
            return
        data = answer.raw
        if data is None:
            data = b"" if answer.body is None else json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client stopped waiting: what the timeout tests want

    def _stream(self, answer: Answer) -> None:
        """An answer without a length that goes on until the client hangs up (or 1 GB)."""
        self.close_connection = True
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            while self.server.fake.streamed < 2**30:
                self.wfile.write(answer.chunk)
                self.wfile.flush()
                self.server.fake.streamed += len(answer.chunk)
                time.sleep(answer.pause)
        except OSError:
            pass  # the client hung up: what the tests want

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def running(**options: Any) -> Iterator[FakeButtondown]:
    """A started fake; at the end, every request must have matched the spec."""
    fake = FakeButtondown(**options)
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
    assert not fake.violations, "requests or answers off the spec:\n" + "\n".join(fake.violations)
