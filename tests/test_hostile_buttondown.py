"""Hostile-input section: a Buttondown that answers off its own spec.

Each answer here comes from the fake Buttondown on 127.0.0.1 after it did the work
asked of it, then changed its answer on purpose: no id, an empty 201, list items that
are not emails, a publish_date that is a number, the API key echoed back, answers too
big, too slow, too deep or full of characters no text may hold. Whatever the answer,
the task ends with one clear message (never a traceback), the state file stays
readable and the API key appears in nothing printed or written.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth_buttondown.answers import (
    DATE_TIMES,
    EMAIL_ID,
    LINE_LIMIT,
    ONE_LINE_TEXTS,
    REQUIRED,
    STATUS,
    ShapeError,
    email_from,
)
from hearth_buttondown.client import MAX_PAGES, ButtondownClient
from hearth_buttondown.errors import ButtondownError, ConnectionFailed, UnexpectedAnswer
from hearth_buttondown.importer import import_archive
from hearth_buttondown.send import SendOptions, send_email
from hearth_buttondown.state import StateError, read_state, record_of, state_path, write_state
from hearth_core.redaction import REDACTED, Redactor
from hearth_core.text import first_forbidden
from hearth_email.model import RenderedEmail
from hearth_site.check import check_content
from tests.buttondown_fake import (
    API_KEY,
    endless,
    hostile,
    hostile_bytes,
    load_spec,
    running,
)
from tests.sites import issue, settings_for, write_content
from tests.slow_hosts import silent, slow_host, trickled_body, trickled_headers

PAST = "2025-10-17T06:00:00Z"
# Characters no text field may hold: a control, a direction override, a noncharacter,
# and a lone surrogate (JSON can spell one: "\ud800").
FORBIDDEN = "\x07\u202e\ufdd0\ud800"


@pytest.fixture
def fake():
    with running() as server:
        yield server


@pytest.fixture
def state_file(tmp_path):
    return tmp_path / "content" / "buttondown.json"


def client_for(fake, **options) -> ButtondownClient:
    return ButtondownClient(
        api_key=API_KEY,
        base_url=fake.url,
        **{"timeout": 0.5, "backoff": 0.01, "sleep": lambda seconds: None, **options},
    )


def rendered(number: int = 3, subject: str = "The one-screen app") -> RenderedEmail:
    return RenderedEmail(
        number=number,
        subject=subject,
        description="Why I start every app on one screen.",
        slug=f"{number}-the-one-screen-app",
        canonical_url=f"https://theworkbench.example/issues/{number}/",
        html="<html><body><p>Hi</p></body></html>",
        body_html="<p>Hi</p>",
        text="Hi",
    )


def send(fake, state_file, **options) -> str:
    """The send flow as `invoke send` runs it; what it printed. Nothing may hold the key."""
    out = io.StringIO()
    try:
        send_email(
            rendered(),
            client_factory=lambda: client_for(fake),
            state_file=state_file,
            options=SendOptions(**options),
            confirm=lambda question: True,
            out=out,
        )
    finally:
        assert API_KEY not in out.getvalue()
        if state_file.exists():
            assert API_KEY not in state_file.read_text()
    return out.getvalue()


def refused(fake, state_file, **options) -> str:
    """The message a send ends with: a ButtondownError, never anything else."""
    with pytest.raises(ButtondownError) as raised:
        send(fake, state_file, **options)
    message = str(raised.value)
    assert API_KEY not in message
    if state_file.exists():
        read_state(state_file)  # still readable, whatever Buttondown said
    return message


def without(name):
    return lambda body: {key: value for key, value in body.items() if key != name}


# The issue's examples, one test each.


def test_a_create_answer_without_id(fake, state_file):
    fake.fail("POST", "/emails", hostile(without("id")))
    message = refused(fake, state_file)
    assert (
        "POST /emails: HTTP 201, but Buttondown's answer is not what its API describes" in message
    )
    assert "id is missing" in message
    assert "may have created issue 3's email anyway" in message
    assert not state_file.exists()
    # The advice holds: a second run finds the email the first one made, and makes no other.
    output = send(fake, state_file)
    [email] = fake.issue_emails(3)
    assert f"found its email on Buttondown: {email['id']}" in output
    assert read_state(state_file)[3].id == email["id"]


def test_an_empty_201(fake, state_file):
    fake.fail("POST", "/emails", hostile_bytes(b""))
    message = refused(fake, state_file)
    assert (
        "HTTP 201, but Buttondown's answer is not what its API describes: the answer is empty"
        in (message)
    )
    assert not state_file.exists()
    send(fake, state_file)
    [email] = fake.issue_emails(3)
    assert read_state(state_file)[3].id == email["id"]


def test_list_items_that_are_not_objects(fake, state_file, tmp_path):
    fake.add_email(subject="The one-screen app", secondary_id=3, status="draft")
    fake.fail("GET", "/emails", hostile(lambda page: {**page, "results": [7, "em_1", None]}))
    message = refused(fake, state_file)
    assert "GET /emails" in message
    assert "results[0]: the answer is a number, not an email object" in message
    assert not state_file.exists()
    assert len(fake.calls("POST", "/emails")) == 0

    # The import reads the whole archive before writing anything: nothing is written.
    settings = _import_settings(tmp_path / "import")
    fake.fail("GET", "/emails", hostile(lambda page: {**page, "results": [["a list"]]}))
    with pytest.raises(UnexpectedAnswer, match=r"results\[0\]: the answer is a list"):
        _import(fake, settings)
    assert _files(settings) == {}


def test_a_non_string_publish_date(fake, state_file):
    send(fake, state_file)
    fake.live_confirmed = True  # so the publish that answers badly is the first one
    before = state_file.read_bytes()
    when = datetime.now(UTC) + timedelta(days=2)
    fake.fail(
        "POST",
        "/emails/{id}/publish",
        hostile(lambda email: {**email, "publish_date": 1764000000}),
    )
    message = refused(fake, state_file, schedule=when)
    assert "publish_date is a number, not a date and time" in message
    assert "may have scheduled issue 3 anyway" in message
    # The state file is as it was: readable, and recording the draft it recorded.
    assert state_file.read_bytes() == before
    assert read_state(state_file)[3].status == "draft"
    # Run again: it sees the email scheduled on Buttondown and records it so.
    with pytest.raises(ButtondownError, match="already scheduled"):
        send(fake, state_file, schedule=when)
    assert read_state(state_file)[3].status == "scheduled"


def test_a_non_string_publish_date_in_the_archive_writes_nothing(fake, tmp_path):
    settings = _import_settings(tmp_path)
    fake.add_email(subject="Old one", publish_date=PAST)
    fake.add_email(subject="Odd one", publish_date=PAST)
    fake.fail("GET", "/emails", hostile(_set_in_results(publish_date=1764000000)))
    with pytest.raises(UnexpectedAnswer, match="publish_date is a number, not a date and time"):
        _import(fake, settings)
    assert _files(settings) == {}


def test_a_server_echoing_the_key_as_an_id(fake, state_file):
    fake.fail("POST", "/emails", hostile(lambda email: {**email, "id": API_KEY}))
    message = refused(fake, state_file)
    assert f"id '{REDACTED}' is not an email id" in message
    assert not state_file.exists()


def test_a_server_echoing_the_key_as_an_id_through_invoke_send(fake, project, monkeypatch):
    """The example as it happened: the key was printed, and committed in buttondown.json."""
    monkeypatch.setenv("BUTTONDOWN_API_URL", fake.url)
    monkeypatch.setenv("BUTTONDOWN_API_KEY", API_KEY)
    fake.fail("POST", "/emails", hostile(lambda email: {**email, "id": API_KEY}))
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "send", "--issue", "3"],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"id '{REDACTED}' is not an email id" in result.stderr
    assert API_KEY not in result.stdout + result.stderr
    state = project / "content" / "buttondown.json"
    assert not state.exists() or API_KEY not in state.read_text()


def test_the_key_echoed_in_any_text_field_is_blanked_out_of_what_is_printed_and_recorded(
    fake, state_file
):
    echo = f"Hi {API_KEY} there"
    echoed = hostile(
        lambda email: {**email, "subject": echo, "slug": echo, "metadata": {"k": echo}}
    )
    # The draft it made differs from the issue, so it is updated: both answers echo.
    fake.fail("POST", "/emails", echoed)
    fake.fail("PATCH", "/emails/{id}", echoed)
    send(fake, state_file)  # asserts the key is in neither the output nor the file
    record = read_state(state_file)[3]
    assert (record.subject, record.slug) == (f"Hi {REDACTED} there", f"Hi {REDACTED} there")


def test_the_key_in_a_long_error_detail_is_blanked_before_the_detail_is_cut_short(fake):
    # Cut first, a message would keep the first half of the key, which no longer matches.
    detail = "x" * 280 + API_KEY
    with client_for(fake) as client:
        fake.fail("GET", "/emails/{id}", hostile(lambda body: {"detail": detail}, status=404))
        email = fake.add_email(status="draft")
        with pytest.raises(ButtondownError) as raised:
            client.get_email(email["id"])
    assert API_KEY[:12] not in str(raised.value)
    assert REDACTED in str(raised.value)


def test_the_redactor_never_shows_its_secret():
    redact = Redactor((API_KEY,))
    assert API_KEY not in repr(redact)
    out = io.StringIO()
    print(f"the key is {API_KEY}.", file=redact.stream(out))
    assert out.getvalue() == f"the key is {REDACTED}.\n"
    # A key with a quote or a backslash, as JSON and a repr would write it.
    odd = 'bd"k\\ey'
    assert Redactor((odd,))(json.dumps({"id": odd}) + repr(odd)) == (
        f'{{"id": "{REDACTED}"}}\'{REDACTED}\''
    )


# Answers that are too much: too big, too slow, too deep.


def test_an_endless_answer_is_cut_at_the_cap_not_read_to_its_end(fake):
    email = fake.add_email(status="draft")
    fake.fail("GET", "/emails/{id}", endless())
    client = client_for(fake, max_answer_bytes=1_000_000)
    with client, pytest.raises(UnexpectedAnswer, match="it is larger than 1,000,000 bytes"):
        client.get_email(email["id"])
    # What went out is the cap plus what the sockets buffer, not the gigabyte on offer.
    assert fake.streamed < 64 * 1024 * 1024


def test_the_default_cap_holds_an_endless_answer_too(fake):
    email = fake.add_email(status="draft")
    fake.fail("GET", "/emails/{id}", endless())
    with client_for(fake) as client, pytest.raises(UnexpectedAnswer, match="larger than 32 MB"):
        client.get_email(email["id"])
    assert fake.streamed < 128 * 1024 * 1024


def test_an_answer_declaring_a_length_over_the_cap_is_not_read(fake):
    email = fake.add_email(status="draft")
    body = json.dumps({**email, "body": "x" * 2000}).encode()
    fake.fail("GET", "/emails/{id}", hostile_bytes(body))
    client = client_for(fake, max_answer_bytes=1000)
    with client, pytest.raises(UnexpectedAnswer, match="larger than"):
        client.get_email(email["id"])


def test_a_server_dripping_its_answer_is_dropped_at_the_deadline(fake):
    email = fake.add_email(status="draft")
    fake.fail("GET", "/emails/{id}", endless(b" ", pause=0.05))
    started = time.monotonic()
    client = client_for(fake, deadline=0.5, attempts=1)
    with client, pytest.raises(ConnectionFailed, match=r"the answer was still coming after 0\.5 s"):
        client.get_email(email["id"])
    assert time.monotonic() - started < 3


def test_a_listing_that_never_ends_is_not_read_forever(fake):
    def page(number):
        answer = {"count": 1, "results": [], "next": f"{fake.url}/emails?page={number}"}
        return hostile(lambda body: answer, status=200)

    fake.fail("GET", "/emails", *[page(number) for number in range(2, MAX_PAGES + 3)])
    with client_for(fake) as client, pytest.raises(ButtondownError, match="past 1000 pages"):
        list(client.list_emails())
    assert len(fake.requests) == MAX_PAGES + 1


def test_json_nested_100000_deep_is_an_unexpected_answer_not_a_recursion_error(fake):
    email = fake.add_email(status="draft")
    fake.fail("GET", "/emails/{id}", hostile_bytes(b"[" * 100_000 + b"]" * 100_000))
    fake.fail("GET", "/emails/{id}", hostile_bytes(b"[" * 100_000, status=400))
    with client_for(fake) as client:
        with pytest.raises(UnexpectedAnswer, match="not JSON Python can read"):
            client.get_email(email["id"])
        with pytest.raises(ButtondownError, match="HTTP 400"):
            client.get_email(email["id"])


# Text Buttondown returns, and ids that could not be ids.


def test_forbidden_characters_in_an_imported_archive_are_stripped(fake, tmp_path):
    settings = _import_settings(tmp_path)
    fake.add_email(
        subject=f"Bells{FORBIDDEN} and\nwhistles",
        description=f"Ring{FORBIDDEN} them",
        body=f"Hello{FORBIDDEN} there.\r\n\r\nBye.",
        slug="bells",
        publish_date=PAST,
    )
    [written] = _import(fake, settings)
    text = written.read_text(encoding="utf-8")
    assert text.startswith(
        "Title: Bells and whistles\nDate: 2025-10-17 08:00\nSummary: Ring them\n"
    )
    assert "Hello there.\n\nBye." in text
    assert first_forbidden(text) is None
    assert check_content(settings) == []


def test_an_error_message_from_buttondown_cannot_forge_lines(fake):
    forged = "Bad request.\n::error file=pelicanconf.py::forged\u202e"
    email = fake.add_email(status="draft")
    fake.fail(
        "GET", "/emails/{id}", hostile(lambda body: {"code": "x\ny", "detail": forged}, status=400)
    )
    with client_for(fake) as client, pytest.raises(ButtondownError) as raised:
        client.get_email(email["id"])
    assert str(raised.value).endswith(
        "HTTP 400 (x y: Bad request. ::error file=pelicanconf.py::forged)"
    )


@pytest.mark.parametrize("email_id", ["../subscribers", "em_1/publish", "em 1", "", "é"])
def test_an_id_that_is_not_an_email_id_is_refused_from_buttondown_and_from_the_state_file(
    fake, state_file, email_id
):
    fake.fail("POST", "/emails", hostile(lambda email: {**email, "id": email_id}))
    assert "is not an email id" in refused(fake, state_file)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"issues": {"3": _record(id=email_id)}}))
    seen = len(fake.requests)
    with pytest.raises(StateError, match="id must be a Buttondown email id"):
        send(fake, state_file)
    assert len(fake.requests) == seen


def test_a_record_the_state_file_would_refuse_is_never_written(state_file):
    state_file.parent.mkdir(parents=True)
    write_state(state_file, {3: record_of(_email(), "created draft")})
    before = state_file.read_bytes()
    bad = record_of(_email(id="../x"), "created draft")
    with pytest.raises(StateError, match="was not changed: issue 4's record id must be"):
        write_state(state_file, {3: record_of(_email(), "created draft"), 4: bad})
    assert state_file.read_bytes() == before


# Any answer at all: the property the examples are instances of.

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        *("id", "status", "subject", "slug", "description", "body", "canonical_url"),
        *("publish_date", "creation_date", "modification_date", "secondary_id", "metadata"),
    ]
)
VALUES = JSON | st.sampled_from([API_KEY, f"{API_KEY}x", PAST, "2025-10-17", "0001-01-01T00:00Z"])


@settings(max_examples=300, deadline=None)
@given(
    base=st.fixed_dictionaries({}, optional={"id": st.just("em_1"), "status": st.just("sent")}),
    changes=st.dictionaries(FIELDS, VALUES, max_size=6),
    extra=JSON,
)
def test_any_answer_is_refused_or_read_into_a_record_the_state_file_keeps(base, changes, extra):
    answer = {**base, "subject": "Hi", **changes, "extra": extra}
    try:
        email = email_from(answer, Redactor((API_KEY,)))
    except ShapeError as error:
        assert API_KEY not in str(error)
        return
    assert EMAIL_ID.fullmatch(email["id"])
    text = json.dumps(email, ensure_ascii=False)
    assert API_KEY not in text
    assert not any(first_forbidden(value) for value in email.values() if isinstance(value, str))
    record = record_of(email, "imported")
    assert write_state_and_read(record) == record


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answer=JSON
    | st.dictionaries(FIELDS, VALUES, max_size=8)
    | st.fixed_dictionaries(
        {"id": st.just("em_1"), "status": st.just("draft"), "subject": st.text()},
        optional={"publish_date": VALUES, "metadata": JSON, "secondary_id": VALUES},
    )
)
def test_any_answer_from_the_fake_ends_as_an_email_or_a_clear_error(fake, answer):
    email = fake.add_email(status="draft")
    fake.fail("GET", "/emails/{id}", hostile(lambda body: answer))
    with client_for(fake) as client:
        try:
            got = client.get_email(email["id"])
        except UnexpectedAnswer as error:
            assert str(error).startswith(f"GET /emails/{email['id']}: HTTP 200, but Buttondown's")
        else:
            assert EMAIL_ID.fullmatch(got["id"]) and API_KEY not in json.dumps(got)


# Helpers.


def write_state_and_read(record):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "buttondown.json")
        write_state(path, {1: record}, Redactor((API_KEY,)))
        return read_state(path)[1]


def _email(**fields):
    return {"id": "em_1", "status": "draft", "subject": "Hi", **fields}


def _record(**fields):
    return {
        "id": "em_1",
        "status": "draft",
        "slug": "3-x",
        "subject": "Hi",
        "action": "created draft",
        "at": "2026-01-01T00:00:00Z",
        "publish_date": None,
        **fields,
    }


def _set_in_results(**fields):
    return lambda page: {**page, "results": [{**item, **fields} for item in page["results"]]}


def _import_settings(root):
    content = write_content(root, dict([issue(1, "Hello workbench", "2025-10-03 08:00")]))
    return settings_for(content, root / "output")


def _import(fake, settings):
    out = io.StringIO()
    with client_for(fake) as client:
        try:
            return import_archive(client, settings, out=out)
        finally:
            assert API_KEY not in out.getvalue()


def _files(settings):
    issues = state_path(settings).parent / "issues"
    found = {path.name: path.read_text() for path in issues.iterdir()}
    found.pop("0001-hello-workbench.md")
    if state_path(settings).exists():
        found["buttondown.json"] = state_path(settings).read_text()
    return found


def test_the_answer_checks_hold_to_the_vendored_spec():
    """answers.py reads each field as the type Buttondown's OpenAPI description gives it."""
    schemas = load_spec()["components"]["schemas"]
    email = schemas["Email"]
    declared = email["properties"]

    def types(name):
        options = declared[name].get("anyOf", [declared[name]])
        return {(option.get("type"), option.get("format")) for option in options}

    assert set(REQUIRED) <= set(email["required"])
    assert all(STATUS.fullmatch(status) for status in schemas["EmailStatus"]["enum"])
    assert declared["status"]["$ref"] == "#/components/schemas/EmailStatus"
    assert types("id") == {("string", None)}
    for name in ONE_LINE_TEXTS:
        assert ("string", None) in types(name) <= {("string", None), ("null", None)}
    assert declared["subject"]["maxLength"] == LINE_LIMIT
    assert types("body") == {("string", None)}
    for name in DATE_TIMES:
        assert ("string", "date-time") in types(name) <= {("string", "date-time"), ("null", None)}
    assert types("secondary_id") == {("integer", None), ("null", None)}
    assert types("metadata") == {("object", None)}
    page = schemas["EmailPage"]
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Email"}
    assert {(o["type"]) for o in page["properties"]["next"]["anyOf"]} == {"string", "null"}


@pytest.mark.parametrize("serve", [trickled_headers, trickled_body, silent])
def test_a_buttondown_host_dribbling_its_answer_is_given_up_at_the_deadline(serve):
    """httpx's timeouts bound each read: a host sending its headers a byte every 0.2 s
    never trips them. One deadline covers the whole exchange (it took 23 s, not 2)."""
    with slow_host(serve) as host:
        client = ButtondownClient(
            api_key=API_KEY, base_url=f"{host.base}/v1", timeout=1.0, deadline=2.0, attempts=1
        )
        started = time.monotonic()
        with client, pytest.raises(ButtondownError) as raised:
            client.get_email("em_1")
        took = time.monotonic() - started
    assert took < 3.0, f"gave up after {took:.1f} s, past the 2 s deadline"
    assert API_KEY not in str(raised.value)
