"""Drafts never linger (issue 24, point 3): a build removes what the last one produced
and this one did not, from a record of what each build produced, and nothing else.

Each test runs the tasks as processes, in a copy of the project, as an author does.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.sites import invoke

DRAFT = "content/issues/0015-keep-a-changelog-for-yourself.md"
RECORD = Path("cache", "hearth-output.json")


def built(project: Path, *options: str) -> str:
    run = invoke(project, "build", *options, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


def files(output: Path) -> dict[str, bytes]:
    """Every file in ``output``, by its path there, with its bytes; but Pagefind's
    bundle, whose bytes (and so file names) differ from run to run."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in output.rglob("*")
        if path.is_file() and "pagefind" not in path.relative_to(output).parts
    }


def cold_files(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a first build of the project as it is now writes, in a copy of it."""
    copy = tmp_path / "cold"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("output", "cache"), symlinks=True)
    built(copy)
    return files(copy / "output")


def draft_pages(project: Path) -> list[Path]:
    return [
        path
        for path in (project / "output").rglob("*.html")
        if "Keep a changelog for yourself" in path.read_text(encoding="utf-8")
    ]


def test_build_drafts_then_build_leaves_no_draft_page(project: Path, tmp_path: Path) -> None:
    built(project, "--drafts")
    assert draft_pages(project), "the draft should be built with --drafts"
    cname = project / "output" / "CNAME"
    cname.write_text("letters.example\n")

    built(project)

    assert not draft_pages(project)
    assert cname.read_text() == "letters.example\n", "a file Hearth did not write stays"
    cold = cold_files(project, tmp_path)
    assert files(project / "output") == {**cold, "CNAME": b"letters.example\n"}


def test_an_issue_deleted_leaves_no_page(project: Path, tmp_path: Path) -> None:
    built(project)
    page = project / "output" / "issues" / "3" / "index.html"
    assert page.is_file()
    next(project.glob("content/issues/0003-*.md")).unlink()

    built(project)

    assert not page.exists()
    assert not page.parent.exists(), "the folder it leaves empty goes too"
    assert files(project / "output") == cold_files(project, tmp_path)


def test_a_page_renamed_leaves_no_page_at_its_old_address(project: Path, tmp_path: Path) -> None:
    built(project)
    old = project / "output" / "contribute" / "index.html"
    assert old.is_file()
    pages = project / "content" / "pages"
    (pages / "contribute.md").rename(pages / "take-part.md")

    built(project)

    assert not old.exists()
    assert (project / "output" / "take-part" / "index.html").is_file()
    assert files(project / "output") == cold_files(project, tmp_path)


def test_files_hearth_did_not_write_stay(project: Path) -> None:
    built(project, "--drafts")
    output = project / "output"
    own = {"CNAME": "letters.example\n", "keybase.txt": "proof", ".well-known/x.txt": "x"}
    for name, text in own.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text)
    # A draft's page the author replaced by hand is no longer the file Hearth wrote.
    replaced = output / "issues" / "15" / "index.html"  # the draft's own page
    assert replaced in draft_pages(project)
    replaced.write_text("<p>kept by hand</p>")

    built(project)

    for name, text in own.items():
        assert (output / name).read_text() == text
    assert replaced.read_text() == "<p>kept by hand</p>"


def test_invoke_preview_never_empties_the_output_folder(project: Path) -> None:
    # publishconf.py emptied output/ before each of its builds: the email preview, a CNAME
    # and the build's own files went with it, and the next `invoke build` began cold.
    built(project)
    output = project / "output"
    (output / "CNAME").write_text("letters.example\n")
    assert invoke(project, "email", "--issue", "13").returncode == 0
    emailed = sorted((output / "email").iterdir())
    assert emailed

    result = invoke(project, "preview", timeout=300)
    assert result.returncode == 0, result.stderr

    assert (output / "CNAME").read_text() == "letters.example\n"
    assert sorted((output / "email").iterdir()) == emailed
    assert not list(output.rglob("*draft*")), "the published site holds no draft"


def test_a_build_skipped_as_unchanged_keeps_the_record(project: Path) -> None:
    built(project, "--drafts")
    built(project)
    record = (project / RECORD).read_bytes()

    assert "Nothing changed" in built(project)

    assert (project / RECORD).read_bytes() == record
    page = project / "output" / "issues" / "6" / "index.html"
    next(project.glob("content/issues/0006-*.md")).unlink()
    built(project)
    assert not page.exists(), "the record kept through the skipped build still lists it"


def test_a_corrupt_record_is_ignored_with_a_note(project: Path) -> None:
    built(project, "--drafts")
    drafts = draft_pages(project)
    (project / RECORD).write_text('{"outputs": {"output": [')

    said = built(project)

    assert said.count("hearth-output.json") == 1, said
    assert all(page.exists() for page in drafts), "nothing is removed on a record not trusted"
    built(project, "--drafts")
    built(project)
    assert not draft_pages(project), "the next record is trusted again"


def test_a_record_naming_files_outside_the_output_folder_is_not_trusted(
    project: Path, tmp_path: Path
) -> None:
    built(project)
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    status = outside.stat()
    data = json.loads((project / RECORD).read_text())
    (files,) = data["outputs"].values()
    files["../../precious.txt"] = [status.st_size, status.st_mtime_ns]
    (project / RECORD).write_text(json.dumps(data))
    next(project.glob("content/issues/0007-*.md")).unlink()

    built(project)

    assert outside.read_text() == "mine"


def test_a_build_into_another_folder_between_keeps_this_folders_record(
    project: Path, tmp_path: Path
) -> None:
    """`invoke publish` builds into a staging folder with the same cache: the record of
    output/ survives it, and the next `invoke build` still removes the drafts."""
    from hearth_site.build import build
    from tests.sites import settings_for

    built(project, "--drafts")
    staging = tmp_path / "staging"
    build(settings_for(project / "content", staging, CACHE_PATH=str(project / "cache")))
    assert (staging / "index.html").is_file()

    built(project)

    assert not draft_pages(project)
