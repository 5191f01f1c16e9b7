"""`invoke bench`: the synthetic archive is a valid newsletter, and the report says what was met."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

import pelicanconf
from hearth_bench.archive import WEEKLY_LINK_LIMIT, ArchiveShape, issue_text, write_archive
from hearth_bench.fresh import EDITED, FreshRebuilds, fresh_rebuilds
from hearth_bench.lighthouse import Scores, format_scores, lighthouse_command, performance_scores
from hearth_bench.measure import Measurement, measure
from hearth_bench.rebuild import NEW_LINK
from hearth_bench.report import bench_command, growth_table
from hearth_bench.run import YARDSTICK, Figure, Report, cold_builds, format_report
from hearth_issues.bodies import markdown_renderer
from hearth_site.check import load_site_content
from pelicanconf import HEARTH_MEMBERS
from tests.conftest import missing
from tests.sites import ROOT, settings_for


def test_the_archive_has_the_shape_asked_for_and_passes_every_check(tmp_path):
    shape = ArchiveShape.at_scale(0.02)
    write_archive(tmp_path / "content", shape, pages_from=ROOT / "content")
    members = {**HEARTH_MEMBERS, "weekly_link_limit": WEEKLY_LINK_LIMIT}
    settings = settings_for(tmp_path / "content", tmp_path / "output", HEARTH_MEMBERS=members)
    content = load_site_content(settings)
    assert content.problems == []
    assert len(content.issues) == shape.issues
    assert len(content.members) == shape.members
    assert sum(len(member.links) for member in content.members) == shape.links


def test_the_same_scale_writes_the_same_files(tmp_path):
    shape = ArchiveShape.at_scale(0.01)
    for name in ("one", "two"):
        write_archive(tmp_path / name, shape)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.*")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.*")}
    assert one == two


# What each kind of Markdown a real archive holds turns into, with the demo's MARKDOWN
# setting: every extension it names (extra's parts, codehilite, toc) has work to do.
VARIED_HTML = {
    "nested lists": r"<li>[^<]*(<[^/][^>]*>[^<]*</[^>]*>[^<]*)*\n<(ul|ol)>",
    "loose lists": r"<li>\n<p>",
    "tables": r"<table>",
    "aligned columns": r'<th style="text-align: (left|right|center);"',
    "footnotes": r'<div class="footnote">',
    "reference-style links": r'<a href="[^"]+"( title="[^"]*")?>[^<]*</a>',
    "inline HTML": r"<kbd>|<mark>|<abbr title",
    "HTML blocks with Markdown inside": r'<div class="callout">\n<p>',
    "abbreviations": r'<abbr title="HyperText Markup Language">HTML</abbr>',
    "definition lists": r"<dl>\n<dt>",
    "attribute lists": r'<p class="(note|aside|lede)">',
    "highlighted code": r'<div class="highlight"><pre><span></span><code><span class="',
    "highlighted lines": r'<span class="hll">',
    "headings with ids": r'<h[2-4] id="[a-z$£€%×0-9.-]+-\d+-\d+">',
    "permalinks": r'<a class="headerlink" href="#',
    "a table of contents": r'<div class="toc">',
    "quotes": r"<blockquote>",
    "images": r'<img alt="[^"]*" src="/images/',
    "emoji": r"[\U0001F300-\U0001FAFF]",
    "non-Latin text": r"[\u0370-\u04ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]",
    "long lines": r"<p>[^\n]{1500,}</p>",
}


def test_the_archive_s_markdown_is_as_varied_as_a_real_archive_s():
    renderer = markdown_renderer(pelicanconf.MARKDOWN)
    sources = [issue_text(number, 700, None).split("\n\n", 1)[1] for number in range(640, 700)]
    html = []
    for source in sources:
        renderer.reset()
        html.append(renderer.convert(source))
    missing = [name for name, shape in VARIED_HTML.items() if not re.search(shape, "".join(html))]
    assert missing == []
    fences = Counter(re.findall(r"^(?:```|~~~)(\w+)", "\n".join(sources), re.MULTILINE))
    assert len(fences) >= 6, f"code in several languages, not {sorted(fences)}"


def test_the_archive_s_shapes_vary_from_block_to_block():
    # A fast path tuned to one generated shape must not be what the benchmark measures:
    # lists, tables and paragraphs differ in their markers, widths and lengths.
    text = "\n".join(issue_text(number, 700, None) for number in range(600, 700))
    markers = Counter(re.findall(r"^ *([-*+]|\d+\.) ", text, re.MULTILINE))
    assert {"-", "*", "+"} <= set(markers) and any(m[0].isdigit() for m in markers)
    columns = {line.count("|") for line in text.splitlines() if line.startswith("|")}
    assert len(columns) >= 4
    lengths = [len(line) for line in text.splitlines() if line]
    assert min(lengths) < 20 and max(lengths) > 2_000
    assert len(set(re.findall(r"^\s*\[\^\d+\]: ", text, re.MULTILINE))) > 1


def test_scale_one_is_the_issue_s_archive_and_two_doubles_it():
    assert ArchiveShape.at_scale(1) == ArchiveShape(700, 200, 20_000, 2_000)
    assert ArchiveShape.at_scale(2) == ArchiveShape(1_400, 400, 40_000, 4_000)


def _report(scale: float, build: float) -> Report:
    figures = (
        Figure("cold full build", "s", build, 10.0, "≤ 0.6 × plain", build <= 6.0),
        Figure("invoke email, one issue", "s", 0.5, None, "≤ 1 s", True),
        Figure("memory against plain Pelican alone", "MiB", 300.0, 200.0, YARDSTICK, None),
    )
    return Report(scale, ArchiveShape.at_scale(scale), figures)


def test_the_report_gives_ratios_and_marks_missed_targets():
    table = format_report(_report(1, 12.0))
    assert "| cold full build | 12.00 s | 10.00 s | 1.20 × | ≤ 0.6 × plain | **no** |" in table
    assert "| invoke email, one issue | 0.50 s |  |  | ≤ 1 s | yes |" in table
    assert (
        "| memory against plain Pelican alone | 300 MiB | 200 MiB | 1.50 × | (for comparison) |  |"
        in table
    )


def test_growth_beyond_linear_is_marked():
    table = growth_table(_report(1, 10.0), _report(2, 25.0))
    assert "| cold full build | 2.50 × | **no** |" in table
    assert "| invoke email, one issue | 1.00 × | yes |" in table
    assert "alone" not in table, "a comparison's Hearth figure has a row of its own"


@pytest.mark.parametrize(("scale", "message"), [(0, "above 0"), (-1, "above 0")])
def test_a_scale_that_is_not_positive_is_refused(scale, message):
    with pytest.raises(ValueError, match=message):
        bench_command(ROOT, scale, False, None)


@pytest.mark.parametrize("saves", ["0", "-1", "1.5", "²", "10001"])
def test_a_number_of_saves_that_is_not_a_whole_number_from_one_is_refused(saves):
    with pytest.raises(ValueError, match="--saves"):
        bench_command(ROOT, 1, False, None, saves)


def test_a_keep_folder_that_exists_is_refused(tmp_path):
    with pytest.raises(ValueError, match="already exists"):
        bench_command(ROOT, 1, False, tmp_path)


def test_invoke_bench_measures_every_figure_on_a_small_archive(tmp_path):
    # Real runs of pelican, invoke build, invoke email and preview rebuilds; no
    # figure is held to a time here: that is what the benchmark itself is for.
    keep = tmp_path / "bench"
    # Lighthouse's section has a test of its own, on fewer pages.
    command = ["bench", "--scale", "0.01", "--keep", str(keep), "--saves", "3", "--no-lighthouse"]
    result = subprocess.run(
        [sys.executable, "-m", "invoke", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in (
        "cold full build",
        "invoke build after a first build, no change",
        "invoke build after a first build, one issue edited",
        "invoke build after a first build, one member link added",
        "peak memory, cold build, against plain Pelican then Pagefind over its pages",
        "peak memory, against plain Pelican alone",
        "rebuild after editing one issue",
        "rebuild after adding one member link",
        "live preview shows an edit",
        "live preview's memory after 3 saves, against after one",
        "invoke email, one issue, after a build",
        "invoke email, one issue, nothing cached",
    ):
        assert f"| {figure} |" in result.stdout
    assert "× Pelican's cached rebuild |" in result.stdout
    assert "Lighthouse" not in result.stdout
    assert (keep / "project" / "output" / "index.html").is_file()
    assert (keep / "plain" / "index.html").is_file()
    assert (keep / "plain-pagefind" / "pagefind-entry.json").is_file()
    assert any((keep / "plain-cache").iterdir()), "plain Pelican's rebuild used its cache"
    # Each rebuild, fresh or in one process, and the preview put back what they edited.
    edited = sorted((keep / "project" / "content" / "issues").glob("*.md"))[-1]
    text = edited.read_text()
    assert not any(edit in text for edit in ("written", "Saved while", "Save 3"))
    member = keep / "project" / "content" / "members" / "member1.yml"
    assert "added-during-the-benchmark" not in member.read_text()
    assert (keep / "project" / "output" / "email").is_dir()


def test_fresh_rebuilds_take_turns_with_pelican_and_put_the_files_back(tmp_path):
    # Each timed build sees the edit it is named after, and only that one.
    content = tmp_path / "content"
    write_archive(content, ArchiveShape.at_scale(0.01))
    newest = sorted((content / "issues").glob("*.md"))[-1]
    member = content / "members" / "member1.yml"
    before = newest.read_text(), member.read_text()
    seen = []

    def build():
        seen.append((EDITED in newest.read_text(), NEW_LINK in member.read_text()))
        return float(len(seen))

    def pelican():
        seen.append("pelican")
        return 100.0

    fresh = fresh_rebuilds(tmp_path, pelican, build, rounds=2)
    one_round = ["pelican", (False, False), (True, False), (True, True), (False, False)]
    assert seen == [(False, False)] + one_round * 2
    assert (newest.read_text(), member.read_text()) == before
    assert fresh == FreshRebuilds(100.0, 5.5, 6.5, 7.5)


def test_fresh_rebuilds_report_the_cpu_time_of_each_command(tmp_path):
    # On a machine shared with other jobs, load stretches wall time, hardly CPU time.
    write_archive(tmp_path / "content", ArchiveShape.at_scale(0.01))
    spin = "import time\nend = time.process_time() + {}\nwhile time.process_time() < end: pass"

    def command(seconds: float):
        return lambda: measure([sys.executable, "-c", spin.format(seconds)], tmp_path)

    fresh = fresh_rebuilds(tmp_path, command(0.3), command(0.05), rounds=1)
    assert fresh.cpu is not None
    pelican, *hearth = fresh.cpu
    assert pelican >= 0.3 and all(0.05 <= each < 0.3 for each in hearth)


def test_a_timed_run_is_never_the_run_whose_memory_is_sampled(tmp_path):
    # Sampling PSS walks the measured process's pages on the same cores it runs on.
    held = "import time; data = b'x' * (64 * 1024 * 1024); time.sleep(0.3); print('done')"
    command = [sys.executable, "-c", held]
    timed = measure(command, tmp_path)
    sampled = measure(command, tmp_path, memory=True)
    assert timed.peak_mib is None and timed.output == "done\n"
    assert sampled.peak_mib is not None and sampled.peak_mib > 60


def test_cold_builds_take_turns_and_give_each_build_its_median():
    # The machine's speed drifts over minutes: runs in turn meet the same drift.
    calls = []

    def runs(name, seconds):
        timed = iter(seconds)

        def run(memory):
            calls.append((name, memory))
            if memory:
                return Measurement(99.0, "", {"plain": 50.0, "hearth": 400.0}[name])
            return Measurement(next(timed), "")

        return run

    plain, hearth = cold_builds(runs("plain", [16, 14, 15]), runs("hearth", [9, 12, 10]))
    assert calls == [("plain", False), ("hearth", False)] * 3 + [("plain", True), ("hearth", True)]
    assert (plain.seconds, plain.peak_mib) == (15, 50.0)
    assert (hearth.seconds, hearth.peak_mib) == (10, 400.0), "a sampled run's time is not used"


def test_bench_reports_lighthouse_s_performance_score_of_each_page_kind(demo_site):
    """Point 10: Lighthouse's performance score is a timing, so `invoke bench` reports it
    (on the archive it builds; here on the demo site, one page kind, to keep it short)."""
    command = lighthouse_command(ROOT)
    if isinstance(command, str):
        missing(f"Lighthouse cannot run here: {command}")
    scores = performance_scores(ROOT, demo_site, progress=lambda _line: None, pages={"home": "/"})
    assert not scores.skipped and 0 <= scores.scores["home"] <= 100
    table = format_scores(scores)
    assert table.startswith("Lighthouse performance, mobile")
    assert f"| home | / | {scores.scores['home']} |" in table


def test_without_lighthouse_the_bench_says_why_it_has_no_score(tmp_path):
    reason = lighthouse_command(tmp_path)  # a project with no node_modules
    assert isinstance(reason, str)
    assert "npm install" in reason or "Node.js" in reason
    section = format_scores(Scores({}, reason))
    assert "skipped" in section and reason in section
