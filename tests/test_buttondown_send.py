"""`invoke send`: each issue ends as exactly one Buttondown email, whatever fails and however
often the author runs it. Against a fake Buttondown on 127.0.0.1 that checks every request
against Buttondown's OpenAPI spec."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from hearth_buttondown.client import ButtondownClient
from hearth_buttondown.commands import terminal_confirm
from hearth_buttondown.errors import ButtondownError
from hearth_buttondown.send import SendError, SendOptions, parse_schedule, send_email
from hearth_buttondown.state import StateError, read_state
from hearth_email.model import RenderedEmail
from hearth_issues.newissue import slugify
from tests.buttondown_fake import API_KEY, drop, rate_limit, running, server_error, slow


@pytest.fixture
def fake():
    with running() as server:
        yield server


@pytest.fixture
def state_file(tmp_path):
    return tmp_path / "content" / "buttondown.json"


def rendered(number: int = 3, subject: str = "The one-screen app", body: str = "<p>Hi</p>"):
    return RenderedEmail(
        number=number,
        subject=subject,
        description="Why I start every app on one screen.",
        slug=f"{number}-{slugify(subject)}",
        canonical_url=f"https://theworkbench.example/issues/{number}/",
        html=f"<html><body>{body}</body></html>",
        body_html=body,
        text="Hi",
    )


def send(fake, state_file, email, *, confirm=lambda question: False, checks=(), **options):
    """Run the send flow as the task does; return what it printed. Waits are not slept."""
    out = io.StringIO()

    def client():
        return ButtondownClient(
            api_key=API_KEY, base_url=fake.url, timeout=0.3, backoff=0.01, sleep=lambda s: None
        )

    try:
        send_email(
            email,
            client_factory=client,
            state_file=state_file,
            options=SendOptions(**options),
            checks=checks,
            confirm=confirm,
            api_url=fake.url,
            out=out,
        )
    finally:
        assert API_KEY not in out.getvalue()
        if state_file.exists():
            assert API_KEY not in state_file.read_text()
    return out.getvalue()


def refused(fake, state_file, email, **options) -> str:
    with pytest.raises(SendError) as raised:
        send(fake, state_file, email, **options)
    assert API_KEY not in str(raised.value)
    return str(raised.value)


def test_a_first_run_creates_the_draft_and_a_second_updates_it(fake, state_file):
    output = send(fake, state_file, rendered())
    [email] = fake.issue_emails(3)
    assert f"Issue 3: created draft {email['id']} on Buttondown." in output
    assert f"Review it: https://buttondown.com/emails/{email['id']}" in output
    assert "Recorded in" in output
    assert email["status"] == "draft"
    assert email["subject"] == "The one-screen app"
    assert email["body"] == "<!-- buttondown-editor-mode: fancy -->\n<p>Hi</p>"
    assert email["slug"] == "3-the-one-screen-app"
    assert email["canonical_url"] == "https://theworkbench.example/issues/3/"
    assert email["description"] == "Why I start every app on one screen."
    assert (email["secondary_id"], email["metadata"]) == (3, {"hearth_issue": "3"})
    create = fake.calls("POST", "/emails")[0]
    assert create.headers["x-idempotency-key"].startswith("hearth-issue-3-create-")

    output = send(fake, state_file, rendered(body="<p>Hi again</p>"))
    assert f"Issue 3: updated draft {email['id']} on Buttondown." in output
    assert [e["body"] for e in fake.issue_emails(3)] == [
        "<!-- buttondown-editor-mode: fancy -->\n<p>Hi again</p>"
    ]
    before = state_file.read_bytes()
    output = send(fake, state_file, rendered(body="<p>Hi again</p>"))
    assert "is up to date" in output
    assert state_file.read_bytes() == before
    assert len(fake.calls("PATCH", "/emails/{id}")) == 1


def test_the_state_file_is_readable_stable_json(fake, state_file):
    send(fake, state_file, rendered())
    data = json.loads(state_file.read_text())
    [email] = fake.issue_emails(3)
    assert list(data) == ["about", "issues"]
    record = data["issues"]["3"]
    assert list(record) == sorted(record)
    assert record | {"at": "-"} == {
        "action": "created draft",
        "at": "-",
        "id": email["id"],
        "publish_date": None,
        "slug": "3-the-one-screen-app",
        "status": "draft",
        "subject": "The one-screen app",
    }
    assert state_file.read_text().endswith("}\n")


def test_preview_sends_the_draft_to_the_given_addresses_only(fake, state_file):
    output = send(fake, state_file, rendered(), preview=("me@example.org", "ed@example.org"))
    [email] = fake.issue_emails(3)
    assert fake.previews == [(email["id"], ["me@example.org", "ed@example.org"])]
    assert email["status"] == "draft"
    assert "sent a preview of draft" in output


def test_schedule_converts_to_utc(fake, state_file):
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    given = (when + timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="minutes")
    parsed = parse_schedule(f"{given}+01:00")
    assert parsed == when.replace(second=0)
    assert parsed.tzinfo == UTC
    output = send(fake, state_file, rendered(), schedule=parsed, confirm=lambda question: True)
    [email] = fake.issue_emails(3)
    assert email["status"] == "scheduled"
    assert email["publish_date"] == parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "scheduled for" in output
    assert read_state(state_file)[3].status == "scheduled"


def test_schedule_refuses_a_time_in_the_past_or_without_offset():
    with pytest.raises(SendError, match="in the past"):
        parse_schedule("2020-11-25T09:00+01:00")
    with pytest.raises(SendError, match="add the UTC offset"):
        parse_schedule("2099-11-25T09:00")
    with pytest.raises(SendError, match="like 2026-11-25T09:00"):
        parse_schedule("next tuesday")


def test_now_without_confirmation_sends_nothing(fake, state_file):
    message = refused(fake, state_file, rendered(), now=True)
    assert "was not sent" in message and "--yes" in message
    assert fake.requests == []
    # With nobody at a terminal to answer, the answer is no.
    assert terminal_confirm(False, io.StringIO())("Send? ") is False
    assert terminal_confirm(True, io.StringIO())("Send? ") is True


def test_now_sends_once_and_never_again(fake, state_file):
    questions = []

    def answer_yes(question):
        questions.append(question)
        return True

    output = send(fake, state_file, rendered(), now=True, confirm=answer_yes)
    assert questions == [
        'Send issue 3 "The one-screen app" to every subscriber now? This cannot be undone. '
        "[yes/no] "
    ]
    [email] = fake.issue_emails(3)
    assert email["status"] == "about_to_send"
    assert "sending now" in output
    # The key's first live send needs Buttondown's header, sent only after the author said yes.
    publishes = fake.calls("POST", "/emails/{id}/publish")
    assert [p.headers.get("x-buttondown-live-dangerously") for p in publishes] == [None, "true"]
    assert read_state(state_file)[3].status == "about_to_send"

    for options in ({"now": True}, {}, {"preview": ("me@example.org",)}):
        message = refused(fake, state_file, rendered(), confirm=_yes, **options)
        assert "is being sent" in message and "not sending it again" in message
    assert len(fake.calls("POST", "/emails/{id}/publish")) == 2
    assert fake.previews == []
    assert len(fake.issue_emails(3)) == 1


def test_a_scheduled_issue_is_not_sent_again(fake, state_file):
    when = datetime.now(UTC) + timedelta(days=1)
    send(fake, state_file, rendered(), schedule=when, confirm=_yes)
    message = refused(fake, state_file, rendered(), now=True, confirm=_yes)
    assert "already scheduled on Buttondown for" in message
    assert "unschedule it on Buttondown" in message
    assert len(fake.issue_emails(3)) == 1


def test_scheduling_is_refused_when_the_first_live_send_is_not_confirmed(fake, state_file):
    when = datetime.now(UTC) + timedelta(days=1)
    message = refused(fake, state_file, rendered(), schedule=when)
    assert "first live send" in message and "nothing was sent" in message
    assert fake.issue_emails(3)[0]["status"] == "draft"


def test_a_lost_state_file_finds_the_email_instead_of_making_another(fake, state_file):
    send(fake, state_file, rendered())
    [email] = fake.issue_emails(3)
    state_file.unlink()
    output = send(fake, state_file, rendered())
    assert f"found its email on Buttondown: {email['id']} (draft)" in output
    assert read_state(state_file)[3].id == email["id"]
    assert len(fake.calls("POST", "/emails")) == 1


def test_a_lost_state_file_and_a_new_title_still_find_the_email(fake, state_file):
    for number in range(4, 9):
        fake.add_email(subject=f"Older {number}", secondary_id=number)
    send(fake, state_file, rendered())
    state_file.unlink()
    send(fake, state_file, rendered(subject="One screen, no menus"))
    [email] = fake.issue_emails(3)
    assert email["subject"] == "One screen, no menus"
    assert len(fake.calls("POST", "/emails")) == 1


def test_an_email_sent_by_hand_with_the_same_subject_is_not_sent_again(fake, state_file):
    fake.add_email(subject="The one-screen app", status="sent", publish_date="2025-10-17T06:00:00Z")
    message = refused(fake, state_file, rendered())
    assert "was already sent on 2025-10-17T06:00:00Z" in message
    assert fake.calls("POST", "/emails") == []
    assert read_state(state_file)[3].status == "sent"


def test_a_crash_between_created_and_recorded_is_recovered_on_the_next_run(fake, state_file):
    fake.fail("POST", "/emails", *[drop()] * 4)
    message = refused(fake, state_file, rendered())
    assert "may have created issue 3's email" in message and "Run the same command" in message
    assert not state_file.exists()
    assert len(fake.issue_emails(3)) == 1
    output = send(fake, state_file, rendered())
    [email] = fake.issue_emails(3)
    assert "found its email on Buttondown" in output
    assert read_state(state_file)[3].id == email["id"]


def test_a_dropped_create_is_replayed_within_the_run(fake, state_file):
    fake.fail("POST", "/emails", drop())
    send(fake, state_file, rendered())
    [email] = fake.issue_emails(3)
    assert read_state(state_file)[3].id == email["id"]


def test_whatever_fails_and_however_often_it_runs_each_issue_is_one_email(fake, state_file):
    faults = [rate_limit(2), server_error(), slow(0.5), drop(), server_error(502), drop()]
    for template in ("/emails", "/emails/{id}/publish"):
        fake.fail("POST", template, *faults)
    fake.fail("GET", "/emails", rate_limit(1), server_error(), slow(0.5))
    fake.fail("PATCH", "/emails/{id}", slow(0.5))
    for number in (1, 2, 3):
        for _attempt in range(6):
            try:
                send(fake, state_file, rendered(number, f"Issue {number}"), now=True, confirm=_yes)
            except SendError as error:
                if "not sending it again" in str(error):
                    break
            except ButtondownError as error:  # a failure the author would see: run again
                assert API_KEY not in str(error)
        assert [email["status"] for email in fake.issue_emails(number)] == ["about_to_send"]
    assert not any(fake.faults.values()), "every fault was met"
    assert len(fake.emails) == 3
    assert {n: r.status for n, r in read_state(state_file).items()} == {
        1: "about_to_send",
        2: "about_to_send",
        3: "about_to_send",
    }


def test_a_dry_run_makes_no_request_and_lists_the_ones_it_would(fake, state_file):
    output = send(fake, state_file, rendered(), preview=("me@example.org",), dry_run=True)
    assert fake.requests == []
    assert not state_file.exists()
    assert "Dry run: no request made, nothing written." in output
    assert "GET /emails?subject=The+one-screen+app&excluded_fields=body" in output
    assert "POST /emails  (if none is found: X-Idempotency-Key hearth-issue-3-create-" in output
    assert 'slug: "3-the-one-screen-app"' in output
    assert 'POST /emails/{id}/send-draft  {"recipients": ["me@example.org"]}' in output

    send(fake, state_file, rendered())
    seen = len(fake.requests)
    output = send(fake, state_file, rendered(), now=True, dry_run=True)
    email_id = fake.issue_emails(3)[0]["id"]
    assert f"GET /emails/{email_id}" in output
    assert f"POST /emails/{email_id}/publish  {{}}  (after you confirm)" in output
    assert len(fake.requests) == seen


def test_failed_preflight_checks_stop_the_send_unless_forced(fake, state_file):
    checks = ["the subject is empty: give the issue a Title"]
    message = refused(fake, state_file, rendered(), checks=checks)
    assert "fails its pre-flight checks" in message and "the subject is empty" in message
    assert "--force" in message
    assert fake.requests == []
    output = send(fake, state_file, rendered(), checks=checks, force=True)
    assert "the subject is empty" in output
    assert len(fake.issue_emails(3)) == 1


def test_a_broken_state_file_stops_everything_and_is_left_alone(fake, state_file):
    state_file.parent.mkdir(parents=True)
    state_file.write_text('{"issues": {"3": {"id": "em_1",}}}')
    with pytest.raises(StateError) as raised:
        send(fake, state_file, rendered())
    assert "buttondown.json:1: not valid JSON" in str(raised.value)
    assert "git checkout" in str(raised.value)
    assert fake.requests == []
    assert state_file.read_text() == '{"issues": {"3": {"id": "em_1",}}}'


def test_an_email_recorded_as_sent_but_gone_from_buttondown_is_not_sent_again(fake, state_file):
    send(fake, state_file, rendered(), now=True, confirm=_yes)
    fake.emails.clear()
    message = refused(fake, state_file, rendered(), now=True, confirm=_yes)
    assert "no longer has that email" in message and "remove issue 3" in message
    assert fake.calls("POST", "/emails") == fake.calls("POST", "/emails")[:1]


def test_only_one_action_at_a_time(fake, state_file):
    when = datetime.now(UTC) + timedelta(days=1)
    message = refused(fake, state_file, rendered(), now=True, schedule=when)
    assert message == "Choose one of --preview, --schedule and --now"


def test_another_issues_email_is_never_taken_for_this_one(fake, state_file):
    fake.add_email(subject="The one-screen app", secondary_id=9, status="sent")
    send(fake, state_file, replace(rendered(), slug="3-the-one-screen-app"))
    assert len(fake.issue_emails(3)) == 1


def _yes(question: str) -> bool:
    return True


# The task as the author runs it: `invoke send` in a copy of the project, whose demo
# issues are rendered by hearth_email with the public address (publishconf.py).


@pytest.fixture
def buttondown_env(fake, monkeypatch):
    monkeypatch.setenv("BUTTONDOWN_API_URL", fake.url)
    monkeypatch.setenv("BUTTONDOWN_API_KEY", API_KEY)


def invoke_task(project, *args):
    """`invoke ...` with nobody at the terminal; its output must never hold the key."""
    result = subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert API_KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_invoke_send_makes_the_draft_and_says_where_to_review_it(
    project, fake, buttondown_env, monkeypatch
):
    result = invoke_task(project, "send", "--issue", "3")
    assert result.returncode == 0, result.stderr
    [email] = fake.issue_emails(3)
    assert f"created draft {email['id']}" in result.stdout
    assert f"https://buttondown.com/emails/{email['id']}" in result.stdout
    assert email["subject"] == "The one-screen app"
    assert email["canonical_url"] == "https://theworkbench.example/issues/3/"
    assert email["body"].startswith("<!-- buttondown-editor-mode: fancy -->\n")
    assert "Title:" not in email["body"]
    state = project / "content/buttondown.json"
    assert json.loads(state.read_text())["issues"]["3"]["id"] == email["id"]
    assert API_KEY not in state.read_text()

    result = invoke_task(project, "send", "--issue", "3", "--preview", "me@x.org,ed@x.org")
    assert result.returncode == 0, result.stderr
    assert fake.previews == [(email["id"], ["me@x.org", "ed@x.org"])]

    # A dry run needs no key and makes no request.
    monkeypatch.delenv("BUTTONDOWN_API_KEY")
    seen = len(fake.requests)
    result = invoke_task(project, "send", "--issue", "3", "--now", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"POST /emails/{email['id']}/publish" in result.stdout
    assert len(fake.requests) == seen
    result = invoke_task(project, "send", "--issue", "3")
    assert result.returncode == 1
    assert "Set BUTTONDOWN_API_KEY" in result.stderr


def test_invoke_send_now_needs_a_yes_and_never_sends_twice(project, fake, buttondown_env):
    result = invoke_task(project, "send", "--issue", "3", "--now")
    assert result.returncode == 1
    assert "was not sent" in result.stderr
    assert fake.requests == []
    result = invoke_task(project, "send", "--issue", "3", "--now", "--yes")
    assert result.returncode == 0, result.stderr
    assert "sending now" in result.stdout
    result = invoke_task(project, "send", "--issue", "3", "--now", "--yes")
    assert result.returncode == 1
    assert "Issue 3 is being sent by Buttondown" in result.stderr
    assert len(fake.calls("POST", "/emails/{id}/publish")) == 2  # refused once, then confirmed
    assert len(fake.issue_emails(3)) == 1


def test_invoke_send_refuses_an_issue_failing_its_checks(project, fake, buttondown_env):
    result = invoke_task(project, "send", "--issue", "15")
    assert result.returncode == 1
    assert "fails its pre-flight checks" in result.stderr
    assert "--force" in result.stderr
    result = invoke_task(project, "send", "--issue", "99")
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "there is no issue 99: the newest is issue 15",
    )
    assert fake.requests == []
