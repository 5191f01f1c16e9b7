"""A build reuses what cache/ proves unchanged, and only that.

A warm build (with the cache the earlier builds left) must write exactly what a cold
build of the same project writes: the property test below makes random edits of every
kind an author or a library upgrade makes, and compares the two output folders byte for
byte. Pagefind's own index files are not byte-stable from run to run; its pages'
records (the fragments, decompressed) are compared instead.
"""

from __future__ import annotations

import gzip
import json
import pickle
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hearth_core import cachekey
from hearth_core.problems import ContentError
from hearth_core.stored import store
from hearth_site.build import CompiledTemplates
from hearth_site.lastbuild import RECORD_NAME, build_inputs, build_unless_unchanged, up_to_date
from tests.sites import ROOT, settings_for

# A plugin outside Hearth's folder, whose output follows its own source: editing the file
# stands for installing another version of a plugin.
STAMP_PLUGIN = '''\
"""Writes its VERSION into stamp.txt, as its file says it now."""
import re
from pathlib import Path

from pelican import signals

VERSION = "1"


def write_stamp(pelican):
    version = re.search(r'VERSION = "(.*)"', Path(__file__).read_text())[1]
    Path(pelican.output_path, "stamp.txt").write_text(version)


def register():
    signals.finalized.connect(write_stamp)
'''

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöé", min_size=1, max_size=8)


class Project:
    """A copy of the demo project (content, theme, one extra plugin) and its settings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(ROOT / "theme", root / "theme")
        (root / "extra").mkdir()
        (root / "extra" / "stamp.py").write_text(STAMP_PLUGIN)
        self.overrides: dict[str, Any] = {}

    def settings(self, output: Path, cache: Path) -> dict[str, Any]:
        built = settings_for(
            self.root / "content",
            output,
            THEME=str(self.root / "theme"),
            PLUGIN_PATHS=[str(ROOT / "plugins"), str(self.root / "extra")],
            PLUGINS=[*settings_for(self.root, output)["PLUGINS"], "stamp"],
            **self.overrides,
        )
        return {**built, "CACHE_PATH": str(cache)}

    def warm_build(self) -> Path:
        output = self.root / "output"
        build_unless_unchanged(self.settings(output, self.root / "cache"))
        return output

    def cold_build(self) -> Path:
        output, cache = self.root / "cold" / "output", self.root / "cold" / "cache"
        shutil.rmtree(self.root / "cold", ignore_errors=True)
        build_unless_unchanged(self.settings(output, cache))
        return output


def _replace_first(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, lambda _match: replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text or replacement in text, f"{pattern!r} not in {path}"
    path.write_text(changed, encoding="utf-8")


def _pick(folder: Path, index: int, suffix: str) -> Path:
    files = sorted(p for p in folder.glob(f"*{suffix}") if not p.name.startswith("_"))
    return files[index % len(files)]


def _link_shared_before(members: Path, index: int, day: str) -> str:
    """The first link, from the ``index``th member file on, dated before ``day``."""
    files = sorted(p for p in members.glob("*.yml") if not p.name.startswith("_"))
    link = re.compile(r"^  - url: (\S+)\n(?:    .*\n)*?    date: (\S+)$", flags=re.MULTILINE)
    for turn in range(len(files)):
        text = files[(index + turn) % len(files)].read_text(encoding="utf-8")
        for url, shared in link.findall(text):
            if shared < day:
                return url
    raise AssertionError(f"no member's link is dated before {day}")


def edit(project: Project, kind: str, index: int, word: str) -> None:
    """Make one edit of ``kind`` to the project, valid for `invoke check`."""
    content = project.root / "content"
    if kind == "issue text":
        path = _pick(content / "issues", index, ".md")
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdited: {word}.\n")
    elif kind == "issue body text, addresses unchanged":
        # Inside the body, where the lede, the reading time and the feeds' text come from:
        # its first paragraph gets a word, its addresses stay as they were.
        path = _pick(content / "issues", index, ".md")
        header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        edited = re.sub(r"^(?=[A-Za-z])", f"{word.capitalize()}, ", body, count=1, flags=re.M)
        assert edited != body, f"no paragraph in {path}"
        path.write_text(f"{header}\n\n{edited}", encoding="utf-8")
    elif kind == "issue links a member's link":
        # The members' check reads the addresses in the issues, not their prose. An issue
        # may feature a member's link shared before it, never one shared after it.
        path = _pick(content / "issues", index + 1, ".md")
        text = path.read_text(encoding="utf-8")
        day = re.search(r"^Date: (\d{4}-\d{2}-\d{2})", text, flags=re.MULTILINE)
        url = _link_shared_before(content / "members", index, day[1] if day else "9999")
        path.write_text(text + f"\nSee [{word}]({url}).\n")
    elif kind == "issue header":
        path = _pick(content / "issues", index, ".md")
        _replace_first(path, r"^Title: (.*)$", f"Title: A {word} issue")
    elif kind == "member file":
        path = _pick(content / "members", index, ".yml")
        _replace_first(path, r"^name: (.*)$", f"name: Member {word}")
    elif kind == "thread file":
        path = _pick(content / "discussions", index, ".yml")
        _replace_first(path, r"^title: (.*)$", f"title: Thread about {word}")
    elif kind == "activity.json":
        path = content / "discussions" / "activity.json"
        activity = json.loads(path.read_text(encoding="utf-8"))
        threads = sorted(activity["threads"])
        activity["threads"][threads[index % len(threads)]]["replies"] = index % 500
        path.write_text(json.dumps(activity, indent=2), encoding="utf-8")
    elif kind == "template":
        path = project.root / "theme" / "templates" / "base.html"
        _replace_first(path, r"</body>", f"<!-- {word} --></body>")
    elif kind == "setting":
        project.overrides["SITE_DESCRIPTION"] = f"A letter about {word}."
    elif kind == "plugin version":
        _replace_first(
            project.root / "extra" / "stamp.py", r'^VERSION = "(.*)"$', f'VERSION = "{word}"'
        )
    elif kind == "output page deleted":
        pages = sorted((project.root / "output" / "issues").rglob("index.html"))
        if pages:
            pages[index % len(pages)].unlink()
    elif kind == "output page edited":
        # A page the last build kept or wrote, changed by hand: the build writes it again.
        pages = sorted((project.root / "output").rglob("index.html"))
        if pages:
            with pages[index % len(pages)].open("a", encoding="utf-8") as page:
                page.write(f"<!-- {word} -->")
    elif kind == "member link added":
        path = _pick(content / "members", index, ".yml")
        day = date.today() - timedelta(days=index % 200)
        with path.open("a", encoding="utf-8") as member:
            member.write(
                f"  - url: https://links.example/{word.encode().hex()}/{index}\n"
                f"    title: About {word}\n    date: {day.isoformat()}\n    tags: [tools]\n"
            )
    elif kind == "page text":
        path = _pick(content / "pages", index, ".md")
        path.write_text(path.read_text(encoding="utf-8") + f"\nAlso: {word}.\n")


EDITS = [
    "issue text",
    "issue body text, addresses unchanged",
    "issue links a member's link",
    "issue header",
    "member file",
    "thread file",
    "activity.json",
    "template",
    "setting",
    "plugin version",
    "output page deleted",
    "output page edited",
    "member link added",
    "page text",
]


def site_files(output: Path) -> dict[str, bytes]:
    """Every file the build wrote, but Pagefind's index: its bytes differ from run to run."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in output.rglob("*")
        if path.is_file() and "pagefind" not in path.relative_to(output).parts
    }


def search_documents(output: Path) -> list[dict[str, Any]]:
    """What Pagefind indexed of each page, as its fragments hold it."""
    documents = []
    for path in output.rglob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        documents.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return sorted(documents, key=lambda document: json.dumps(document, sort_keys=True))


def assert_same_site(warm: Path, cold: Path) -> None:
    warm_files, cold_files = site_files(warm), site_files(cold)
    assert sorted(warm_files) == sorted(cold_files)
    differing = [name for name in warm_files if warm_files[name] != cold_files[name]]
    assert not differing, f"the warm build wrote other bytes in {differing[:5]}"
    assert search_documents(warm) == search_documents(cold)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project for every example: each edits it further, as an author does."""
    project = Project(tmp_path_factory.mktemp("cached"))
    project.warm_build()
    return project


# Every kind of edit at least once, each alone where another would force a full build
# anyway and hide it; then random ones.
@example(edits=[("output page deleted", 2, "x"), ("issue text", 1, "ö"), ("member file", 3, "b")])
@example(edits=[("issue header", 4, "é"), ("thread file", 1, "c"), ("activity.json", 5, "")])
@example(edits=[("issue links a member's link", 2, "w")])
@example(edits=[("issue body text, addresses unchanged", 0, "ä")])
@example(edits=[("issue body text, addresses unchanged", 14, "q")])
@example(edits=[("template", 0, "t")])
@example(edits=[("setting", 0, "s")])
@example(edits=[("plugin version", 0, "2")])
@example(edits=[("output page edited", 3, "h"), ("issue text", 2, "e")])
@example(edits=[("member link added", 4, "l")])
@example(edits=[("page text", 0, "p")])
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(0, 1000), WORDS), min_size=1, max_size=3
    )
)
def test_a_warm_build_writes_what_a_cold_build_writes(
    project: Project, edits: list[tuple[str, int, str]]
) -> None:
    for kind, index, word in edits:
        edit(project, kind, index, word)
    assert_same_site(project.warm_build(), project.cold_build())


def test_a_build_with_nothing_changed_is_skipped(project: Project) -> None:
    output = project.warm_build()
    settings = project.settings(output, project.root / "cache")
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    assert build_unless_unchanged(settings) is False
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before


def test_an_altered_output_folder_is_built_again(project: Project) -> None:
    output = project.warm_build()
    settings = project.settings(output, project.root / "cache")
    page = output / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    assert build_unless_unchanged(settings) is True
    assert page.read_bytes() == original


def test_a_build_is_not_skipped_once_a_scheduled_issue_is_due(project: Project) -> None:
    output = project.warm_build()
    settings = project.settings(output, project.root / "cache")
    inputs = build_inputs(settings)
    assert inputs is not None
    assert up_to_date(settings, inputs)
    tomorrow = datetime.now().astimezone() + timedelta(days=1, hours=1)
    assert not up_to_date(settings, inputs, now=tomorrow)


def test_a_cache_from_another_hearth_version_is_ignored_with_a_note(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project.warm_build()
    cache = project.root / "cache"
    settings = project.settings(output, cache)
    for stored in cache.glob("*.pickle"):
        with stored.open("r+b") as handle:  # the same key, made by other code
            _code, key = pickle.load(handle)
            rest = handle.read()
        with stored.open("wb") as handle:
            pickle.dump((b"another version!", key), handle)
            handle.write(rest)
    capsys.readouterr()
    assert build_unless_unchanged(settings) is True
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Note:")]
    assert len(notes) == 1, notes
    assert "another Hearth" in notes[0]
    assert_same_site(output, project.cold_build())


def test_a_truncated_cache_is_ignored_with_a_note(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project.warm_build()
    cache = project.root / "cache"
    settings = project.settings(output, cache)
    edit(project, "issue text", 3, "truncated")  # so that the build reads every cached file
    for stored in cache.glob("*.pickle"):
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    capsys.readouterr()
    assert build_unless_unchanged(settings) is True
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Note:")]
    assert len(notes) == 1, notes
    assert "cannot be read whole" in notes[0]
    assert_same_site(output, project.cold_build())


def test_the_cache_key_follows_each_input(tmp_path: Path) -> None:
    """Hearth's code and libraries, another plugin, the theme and each setting."""
    theme, plugin = tmp_path / "theme", tmp_path / "extra"
    theme.mkdir()
    plugin.mkdir()
    (theme / "base.html").write_text("one")
    (plugin / "stamp.py").write_text("one")
    base = {"THEME": str(theme), "PLUGIN_PATHS": [str(plugin)], "SITENAME": "A"}
    key = cachekey.build_key(base, code=b"code")
    assert cachekey.build_key(base, code=b"other code") != key
    assert cachekey.build_key({**base, "SITENAME": "B"}, code=b"code") != key
    assert cachekey.build_key({**base, "HEARTH_STATE": object()}, code=b"code") == key
    (theme / "base.html").write_text("two")
    assert cachekey.build_key(base, code=b"code") != key
    key = cachekey.build_key(base, code=b"code")
    (plugin / "stamp.py").write_text("two")
    assert cachekey.build_key(base, code=b"code") != key


def test_compiled_templates_are_kept_across_theme_edits_not_settings_or_plugins(
    tmp_path: Path,
) -> None:
    """Jinja checks each template's own source; the environment's options and any
    extension another plugin adds are the key's."""
    theme, plugin = tmp_path / "theme", tmp_path / "extra"
    theme.mkdir()
    plugin.mkdir()
    (theme / "base.html").write_text("one")
    (plugin / "ext.py").write_text("one")
    base = {"THEME": str(theme), "PLUGIN_PATHS": [str(plugin)], "JINJA_ENVIRONMENT": {}}
    key = cachekey.templates_key(base)
    (theme / "base.html").write_text("two")
    assert cachekey.templates_key(base) == key
    assert cachekey.templates_key({**base, "JINJA_ENVIRONMENT": {"trim_blocks": True}}) != key
    (plugin / "ext.py").write_text("two")
    assert cachekey.templates_key(base) != key


def test_the_code_version_follows_the_installed_libraries(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "pelican-4.12.0.dist-info").mkdir()
    before = cachekey.libraries_digest([str(site)])
    (site / "pelican-4.12.0.dist-info").rename(site / "pelican-4.13.0.dist-info")
    assert cachekey.libraries_digest([str(site)]) != before


def test_settings_with_functions_have_a_stable_key() -> None:
    settings = {"JINJA_FILTERS": {"up": str.upper}, "THING": object()}
    assert cachekey.settings_digest(settings) == cachekey.settings_digest(dict(settings))
    assert cachekey.settings_digest({"THING": object()}) == cachekey.settings_digest(
        {"THING": object()}
    )


def test_stores_are_atomic(tmp_path: Path) -> None:
    path = tmp_path / "cache" / RECORD_NAME
    store(path, "key", ["value"])
    assert [p.name for p in path.parent.iterdir()] == [RECORD_NAME]


def test_ci_restores_and_saves_the_build_cache_before_building() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    cached = next(i for i, name in enumerate(uses) if name.startswith("actions/cache@"))
    built = next(i for i, step in enumerate(steps) if "invoke publish" in step.get("run", ""))
    assert cached < built
    step = steps[cached]["with"]
    assert step["path"] == "cache"
    for source in ("content/**", "plugins/**", "theme/**", "pelicanconf.py", "publishconf.py"):
        assert f"'{source}'" in step["key"], source
    assert "'constraints.txt'" in step["key"]
    # An older cache is restored too: the build trusts only what it proves unchanged.
    assert step["restore-keys"].strip() in step["key"]


def _rewrite_stored(path: Path, change: Any) -> None:
    with path.open("rb") as handle:
        header = pickle.load(handle)
        value = pickle.load(handle)
    change(value)
    with path.open("wb") as handle:
        pickle.dump(header, handle)
        pickle.dump(value, handle)


def test_a_fresh_build_uses_the_markdown_and_fragments_kept_in_the_cache(
    project: Project,
) -> None:
    """What the cache holds is what the next process shows: it converts and renders nothing
    again (shown by planting HTML no converter would make)."""
    output = project.warm_build()
    cache = project.root / "cache"

    def plant_body(results: dict[bytes, str]) -> None:
        for digest, html in results.items():
            results[digest] = html.replace("</p>", " PLANTED-BODY</p>", 1)

    def plant_link(kept: dict[str, Any]) -> None:
        _theme, rendered = kept["_link.html"]
        for items in rendered.values():
            for item, html in items.items():
                items[item] = html.replace("</a>", " PLANTED-LINK</a>", 1)

    _rewrite_stored(cache / "hearth-markdown.pickle", plant_body)
    _rewrite_stored(cache / "hearth-fragments.pickle", plant_link)
    (output / "index.html").unlink()  # so that it builds
    assert build_unless_unchanged(project.settings(output, cache)) is True
    issue_pages = list((output / "issues").rglob("index.html"))
    assert any("PLANTED-BODY" in page.read_text() for page in issue_pages)
    assert "PLANTED-LINK" in (output / "links" / "index.html").read_text()
    # Put the true cache back for the tests after this one.
    shutil.rmtree(cache)
    project.warm_build()


def test_a_fresh_build_compiles_no_template_the_last_one_compiled(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process starts with the theme compiled by the last build; only an edited
    template is compiled again (Jinja compares its source), and shows the edit."""
    output = project.warm_build()
    compiled: list[str] = []
    dump = CompiledTemplates.dump_bytecode

    def counted(self: CompiledTemplates, bucket: Any) -> None:
        compiled.append(bucket.key)
        dump(self, bucket)

    monkeypatch.setattr(CompiledTemplates, "dump_bytecode", counted)
    edit(project, "issue text", 2, "compiled")
    assert project.warm_build() == output
    assert compiled == []
    edit(project, "template", 1, "recompiled")
    project.warm_build()
    # The one edited template, once for each kind of environment that renders it (the
    # issues' pages are watched: hearth_site.bodyprints).
    assert len({key.split("+")[0] for key in compiled}) == 1
    assert len(compiled) <= 2
    assert any("recompiled" in page.read_text() for page in output.rglob("*.html"))


def test_an_email_rendered_after_the_build_does_not_make_the_next_build_run(
    project: Project,
) -> None:
    """`invoke email` writes output/email/, which no build writes or removes."""
    output = project.warm_build()
    (output / "email").mkdir(exist_ok=True)
    (output / "email" / "1.html").write_text("<p>An email</p>")
    assert build_unless_unchanged(project.settings(output, project.root / "cache")) is False


def test_an_issue_that_newly_features_a_members_later_link_is_refused_warm_as_cold(
    project: Project,
) -> None:
    """The members' check is kept by the addresses in the issues: an edit that adds one
    must check the members again, not reuse the stored answer."""
    project.warm_build()
    first_issue = sorted((project.root / "content" / "issues").glob("0001-*.md"))[0]
    original = first_issue.read_text(encoding="utf-8")
    link = "https://anneke-type.example/harbour/lowercase-g"  # shared in November 2025
    first_issue.write_text(original + f"\nSee [the g's]({link}).\n", encoding="utf-8")
    try:
        with pytest.raises(ContentError, match="was already featured in"):
            project.warm_build()
    finally:
        first_issue.write_text(original, encoding="utf-8")
    project.warm_build()
