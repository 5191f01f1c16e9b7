"""The Buttondown client against a fake Buttondown on 127.0.0.1 that checks every request
against Buttondown's OpenAPI spec. Waits are recorded, not slept."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from hearth_buttondown.client import API_URL, ButtondownClient, from_environment
from hearth_buttondown.errors import (
    ApiError,
    AuthError,
    ButtondownError,
    ConfigurationError,
    ConnectionFailed,
    NotFound,
    RateLimited,
)
from tests.buttondown_fake import API_KEY, drop, rate_limit, running, server_error, slow
from tests.sites import free_port

DRAFT = {"status": "draft", "subject": "Hello", "body": "Hi.", "slug": "1-hello", "secondary_id": 1}


@pytest.fixture
def fake():
    with running() as server:
        yield server


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(fake, waits):
    with ButtondownClient(
        api_key=API_KEY, base_url=fake.url, timeout=0.4, backoff=0.01, sleep=waits.append
    ) as made:
        yield made


def test_every_request_is_authorised_pinned_and_on_the_spec(fake, client):
    email = client.create_email(DRAFT, idempotency_key="hearth-test-1")
    client.update_email(email["id"], {"subject": "Hello again"})
    client.get_email(email["id"])
    list(client.list_emails(status=["draft"], subject="Hello", without_body=True))
    client.send_draft(email["id"], ["me@example.org"])
    when = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(ApiError) as raised:
        client.publish_email(email["id"], publish_date=when)
    assert raised.value.code == "sending_requires_confirmation"
    client.publish_email(email["id"], publish_date=when, live=True)
    assert fake.emails[email["id"]]["status"] == "scheduled"
    assert "x-buttondown-live-dangerously" not in fake.requests[-2].headers
    assert fake.requests[-1].headers["x-buttondown-live-dangerously"] == "true"
    for seen in fake.requests:
        assert seen.headers["authorization"] == f"Token {API_KEY}"
        assert seen.headers["x-api-version"] == "2026-04-01"
    # The fixture fails the test if any request or answer was off the spec.


def test_listing_follows_next_to_the_last_page(fake, client):
    for number in range(1, 8):
        fake.add_email(subject=f"Issue {number}", secondary_id=number)
    subjects = [email["subject"] for email in client.list_emails(status=["sent"])]
    assert subjects == [f"Issue {number}" for number in range(1, 8)]
    assert [seen.query.get("page") for seen in fake.requests] == [None, ["2"], ["3"]]


def test_a_next_page_on_another_host_is_not_followed_with_the_key(fake, client):
    for number in range(1, 5):
        fake.add_email(subject=f"Issue {number}")
    fake.next_origin = "https://elsewhere.example"
    with pytest.raises(ButtondownError, match="outside its API"):
        list(client.list_emails())
    assert len(fake.requests) == 1


def test_429_waits_as_long_as_retry_after_asks_even_for_a_post(fake, client, waits):
    email = fake.add_email(status="draft", subject="Hello")
    fake.fail("POST", "/emails/{id}/send-draft", rate_limit(7))
    client.send_draft(email["id"], ["me@example.org"])
    assert waits == [7]
    assert fake.previews == [(email["id"], ["me@example.org"])]


def test_a_longer_retry_after_than_allowed_gives_up_at_once(fake, client, waits):
    fake.fail("GET", "/emails", rate_limit(3600))
    with pytest.raises(RateLimited) as raised:
        list(client.list_emails())
    assert raised.value.status == 429
    assert waits == []


def test_server_errors_on_reads_are_retried_with_growing_waits(fake, client, waits):
    fake.fail("GET", "/emails", server_error(), server_error(503))
    assert list(client.list_emails()) == []
    assert len(fake.requests) == 3
    assert len(waits) == 2 and waits[0] < waits[1]


def test_retries_are_bounded(fake, client, waits):
    fake.fail("GET", "/emails", *[server_error()] * 5)
    with pytest.raises(ApiError) as raised:
        list(client.list_emails())
    assert raised.value.status == 500
    assert len(fake.requests) == client.attempts == 4
    assert len(waits) == 3


def test_a_post_without_idempotency_key_is_never_retried_after_a_5xx(fake, client, waits):
    email = fake.add_email(status="draft", subject="Hello")
    fake.fail("POST", "/emails/{id}/send-draft", server_error())
    with pytest.raises(ApiError) as raised:
        client.send_draft(email["id"], ["me@example.org"])
    assert raised.value.status == 500
    assert len(fake.calls("POST", "/emails/{id}/send-draft")) == 1
    assert waits == []


def test_a_patch_that_timed_out_is_not_repeated_but_reported_as_maybe_done(fake, client):
    email = fake.add_email(status="draft", subject="Hello")
    fake.fail("PATCH", "/emails/{id}", slow(1.0))
    with pytest.raises(ConnectionFailed) as raised:
        client.update_email(email["id"], {"subject": "Changed"})
    assert raised.value.maybe_done
    assert "no answer within 0.4 s" in str(raised.value)
    assert len(fake.calls("PATCH", "/emails/{id}")) == 1


def test_a_read_that_timed_out_is_retried(fake, client, waits):
    email = fake.add_email(subject="Hello")
    fake.fail("GET", "/emails/{id}", slow(1.0))
    assert client.get_email(email["id"])["subject"] == "Hello"
    assert len(waits) == 1


def test_a_create_dropped_after_the_server_made_it_is_replayed_not_repeated(fake, client):
    fake.fail("POST", "/emails", drop(), server_error())
    created = client.create_email(DRAFT, idempotency_key="hearth-test-drop")
    assert list(fake.emails) == [created["id"]]
    posts = fake.calls("POST", "/emails")
    assert len(posts) == 3
    assert {seen.headers["x-idempotency-key"] for seen in posts} == {"hearth-test-drop"}


def test_a_connection_refused_is_retried_even_for_a_post(waits):
    closed = f"http://127.0.0.1:{free_port()}/v1"
    with (
        ButtondownClient(api_key=API_KEY, base_url=closed, backoff=0.01, sleep=waits.append) as c,
        pytest.raises(ConnectionFailed) as raised,
    ):
        c.send_draft("em_x", ["me@example.org"])
    assert not raised.value.maybe_done
    assert len(waits) == 3


def test_errors_carry_buttondowns_code_and_detail(fake, client):
    with pytest.raises(ApiError) as raised:
        client.create_email({**DRAFT, "body": "---\ntitle: x\n---\nHi"}, idempotency_key="k-1")
    assert (raised.value.status, raised.value.code) == (400, "body_contains_frontmatter")
    assert "front matter" in raised.value.detail
    client.create_email(DRAFT, idempotency_key="k-2")
    with pytest.raises(ApiError) as raised:
        client.create_email({**DRAFT, "subject": "Other"}, idempotency_key="k-3")
    assert raised.value.code == "slug_invalid"
    with pytest.raises(NotFound):
        client.get_email("em_0000000000000000000000000")


def test_create_always_sends_a_status():
    with pytest.raises(ValueError, match="status"):
        ButtondownClient(api_key=API_KEY).create_email({"subject": "x"}, idempotency_key="k")


def test_a_wrong_key_is_an_auth_error_that_never_repeats_the_key(fake, caplog):
    wrong = "bd-WRONG-key-0f9e8d7c6b5a"
    caplog.set_level(logging.DEBUG)
    with (
        ButtondownClient(api_key=wrong, base_url=fake.url) as client,
        pytest.raises(AuthError) as raised,
    ):
        client.get_email("em_x")
    assert raised.value.status == 401 and raised.value.code == "authentication_invalid"
    # The fake echoes the token it was given, as careless servers do.
    assert "[redacted]" in raised.value.detail
    for text in (str(raised.value), repr(raised.value), repr(client), caplog.text):
        assert wrong not in text


def test_the_key_is_in_no_log_line_error_or_repr(fake, client, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail("GET", "/emails", server_error(), rate_limit(1))
    list(client.list_emails())
    with pytest.raises(ButtondownError) as raised:
        client.get_email("em_missing")
    assert caplog.records, "the client logs its requests at debug level"
    for text in (caplog.text, str(raised.value), repr(client), repr(client._http.headers)):
        assert API_KEY not in text


def test_from_environment_needs_the_key_and_says_which_variable_to_set():
    with pytest.raises(ConfigurationError, match="Set BUTTONDOWN_API_KEY"):
        from_environment({})
    client = from_environment({"BUTTONDOWN_API_KEY": API_KEY})
    assert str(client.base_url) == API_URL


def test_the_key_is_never_sent_over_plain_http_to_another_machine():
    for url in ("http://api.buttondown.com/v1", "ftp://x/v1", "not a url"):
        with pytest.raises(ConfigurationError, match="BUTTONDOWN_API_URL"):
            from_environment({"BUTTONDOWN_API_KEY": API_KEY, "BUTTONDOWN_API_URL": url})


def test_a_mangled_key_is_refused_without_being_shown():
    with pytest.raises(ConfigurationError) as raised:
        from_environment({"BUTTONDOWN_API_KEY": "bd-secret part\nX"})
    assert "secret" not in str(raised.value)
