"""`invoke import-buttondown`: a Buttondown archive becomes numbered issues that pass the
content check; importing again changes nothing."""

from __future__ import annotations

import io

import pytest

from hearth_buttondown.client import ButtondownClient
from hearth_buttondown.importer import import_archive, issue_body
from hearth_buttondown.state import read_state, state_path
from hearth_site.check import check_content
from tests.buttondown_fake import API_KEY, rate_limit, running, server_error
from tests.sites import invoke, issue, settings_for, write_content


@pytest.fixture
def fake():
    with running(page_size=2) as server:
        yield server


@pytest.fixture
def settings(tmp_path):
    content = write_content(
        tmp_path,
        dict(
            [
                issue(1, "Hello workbench", "2025-10-03 08:00"),
                issue(2, "Small tools", "2025-10-10 08:00"),
            ]
        ),
    )
    return settings_for(content, tmp_path / "output")


def archive(fake):
    fake.add_email(subject="Hello workbench", secondary_id=1, publish_date="2025-10-03T06:00:00Z")
    fake.add_email(subject="Small tools", publish_date="2025-10-10T06:00:00Z", slug="small-tools")
    fake.add_email(
        subject="Pencils,  rulers\nand tape",
        description="What is on my desk.",
        body="<!-- buttondown-editor-mode: fancy -->\n<p>Hello there.</p>\n<p>Bye.</p>",
        slug="pencils",
        publish_date="2025-10-24T06:00:00Z",
    )
    fake.add_email(
        subject="Note to self",
        body="Note: this one starts like a header.\n\n**Bold** _move_.",
        publish_date="2025-10-17T06:00:00Z",
    )
    fake.add_email(
        subject="Numbered",
        secondary_id=7,
        body="<p>A <b>b</b></p>",
        publish_date="2025-11-01T06:00:00Z",
    )
    fake.add_email(subject="Not sent yet", status="draft")


def run(fake, settings):
    out = io.StringIO()
    with ButtondownClient(
        api_key=API_KEY, base_url=fake.url, backoff=0.01, sleep=lambda s: None
    ) as client:
        written = import_archive(client, settings, out=out)
    assert API_KEY not in out.getvalue()
    return written, out.getvalue()


def test_import_writes_new_sent_emails_as_issues_that_pass_the_check(fake, settings):
    archive(fake)
    fake.fail("GET", "/emails", rate_limit(1), server_error())
    written, output = run(fake, settings)
    assert [path.name for path in written] == [
        "0003-note-to-self.md",
        "0004-pencils.md",
        "0007-numbered.md",
    ]
    issues = written[0].parent
    assert (issues / "0004-pencils.md").read_text() == (
        "Title: Pencils, rulers and tape\n"
        "Date: 2025-10-24 08:00\n"
        "Summary: What is on my desk.\n"
        "Community: none\n"
        "\n"
        "Hello there.\n\nBye.\n"
    )
    assert (issues / "0003-note-to-self.md").read_text().split("\n\n", 1)[1] == (
        "<!-- Imported from Buttondown. -->\n\nNote: this one starts like a header.\n\n"
        "**Bold** _move_.\n"
    )
    assert (issues / "0007-numbered.md").read_text().endswith("\n\n<p>A <b>b</b></p>\n")
    assert check_content(settings) == []
    assert "Imported 3 issue(s) from Buttondown:" in output
    assert 'Skipped 2 already in the issues folder: "Hello workbench", "Small tools"' in output
    records = read_state(state_path(settings))
    assert {number: record.action for number, record in records.items()} == {
        3: "imported",
        4: "imported",
        7: "imported",
    }


def test_importing_again_changes_nothing(fake, settings, tmp_path):
    archive(fake)
    run(fake, settings)
    before = files(tmp_path / "content")
    written, output = run(fake, settings)
    assert written == []
    assert output.startswith("Nothing to import: the 5 sent email(s) on Buttondown are already")
    assert files(tmp_path / "content") == before


def files(folder):
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_the_requests_list_only_sent_emails(fake, settings):
    run(fake, settings)
    assert fake.requests[0].query == {"status": ["sent", "imported"], "ordering": ["publish_date"]}


def test_simple_html_becomes_markdown_and_other_html_is_kept():
    assert issue_body("<p>One.</p>\n<p>Two   words.</p>") == "One.\n\nTwo words."
    kept = '<p>See <a href="https://x.example">this</a> &amp; that.</p>'
    assert issue_body(kept) == kept
    assert issue_body("<!-- buttondown-editor-mode: plaintext -->\n# Hi\n") == "# Hi"


def test_invoke_import_buttondown_then_check_passes_and_a_rerun_changes_nothing(
    project, fake, monkeypatch
):
    monkeypatch.setenv("BUTTONDOWN_API_URL", fake.url)
    monkeypatch.setenv("BUTTONDOWN_API_KEY", API_KEY)
    fake.add_email(
        subject="The one-screen app", secondary_id=3, publish_date="2025-10-17T06:00:00Z"
    )
    fake.add_email(
        subject="A letter from before",
        body="Hello from **2024**.",
        slug="a-letter-from-before",
        publish_date="2024-06-01T06:00:00Z",
    )
    result = invoke(project, "import-buttondown", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "GET /emails?status=sent&status=imported&ordering=publish_date" in result.stdout
    assert fake.requests == []

    result = invoke(project, "import-buttondown")
    assert result.returncode == 0, result.stderr
    assert "content/issues/0016-a-letter-from-before.md" in result.stdout
    assert API_KEY not in result.stdout + result.stderr
    assert invoke(project, "check").stdout.strip() == "No problems found."
    before = files(project / "content")
    result = invoke(project, "import-buttondown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing to import")
    assert files(project / "content") == before
