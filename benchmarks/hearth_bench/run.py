"""Run the benchmark: one synthetic archive, Hearth's commands and plain Pelican on it.

Every figure is a real command run as its own process, as an author runs it:
`invoke build`, `invoke email`, `invoke livereload`, and `pelican` itself with
no settings file (its default theme and settings, and for its cached rebuild its
content cache on) on the same issue files.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from hearth_bench.archive import WEEKLY_LINK_LIMIT, ArchiveShape, write_archive
from hearth_bench.fresh import FreshRebuilds, fresh_rebuilds, pelican_cached
from hearth_bench.live import SAVES, PreviewMemory, preview_memory, seconds_to_show_an_edit
from hearth_bench.measure import Measurement, measure

# What a Hearth project needs beside its content; linked, not copied, so the
# benchmark measures the code in this checkout.
PROJECT_FILES = ("pelicanconf.py", "publishconf.py", "tasks.py", "theme", "plugins")


@dataclass(frozen=True)
class Figure:
    """One row of the report: Hearth's figure, the figure it is held against if any
    (plain Pelican's, unless the name or the target names another), and the target."""

    name: str
    unit: str
    hearth: float
    against: float | None
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        return self.hearth / self.against if self.against else None


@dataclass(frozen=True)
class Report:
    scale: float
    shape: ArchiveShape
    figures: tuple[Figure, ...]


BENCH_SETTINGS = (
    "\n# The benchmark's archive: see hearth_bench.archive.WEEKLY_LINK_LIMIT.\n"
    f'HEARTH_MEMBERS = {{**HEARTH_MEMBERS, "weekly_link_limit": {WEEKLY_LINK_LIMIT}}}\n'
)


def make_project(repo: Path, scratch: Path, shape: ArchiveShape) -> Path:
    project = scratch / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        if name == "pelicanconf.py":
            settings = (repo / name).read_text(encoding="utf-8") + BENCH_SETTINGS
            (project / name).write_text(settings, encoding="utf-8")
        else:
            (project / name).symlink_to(repo / name)
    write_archive(project / "content", shape, pages_from=repo / "content")
    return project


def _python(*arguments: str) -> list[str]:
    return [sys.executable, *arguments]


def _environment() -> dict[str, str]:
    # No colour or progress bars in captured output; the same Python path for every run.
    # Python as it runs by default, writing the bytecode of what it compiles, even where
    # this shell says otherwise: else each run would compile the project's modules anew
    # (installed packages, Pelican's among them, come compiled).
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


@dataclass(frozen=True)
class ColdBuild:
    """Seconds from timed builds, peak memory from another, sampled one."""

    seconds: float
    peak_mib: float


# A cold build's run, timed (False) or with its memory sampled (True).
BuildRun = Callable[[bool], Measurement]

# The machine's speed drifts from minute to minute: plain Pelican took 13.8 s in one
# run and 16.5 s ten minutes later. So the two builds' timed runs alternate, and
# each figure is the median of its runs: the ratio compares like with like.
TIMED_ROUNDS = 3


def plain_pelican(scratch: Path, content: Path) -> BuildRun:
    """Pelican with its defaults: run from a folder with no pelicanconf.py in it."""
    plain = scratch / "plain"
    command = _python("-m", "pelican", str(content / "issues"), "-o", str(plain), "-q")

    def run(memory: bool) -> Measurement:
        shutil.rmtree(plain, ignore_errors=True)
        return measure(command, scratch, _environment(), memory)

    return run


def hearth_build(project: Path) -> BuildRun:
    """Cold: nothing from an earlier build, neither pages nor the stored member check."""

    def run(memory: bool) -> Measurement:
        shutil.rmtree(project / "output", ignore_errors=True)
        shutil.rmtree(project / "cache", ignore_errors=True)
        return measure(_python("-m", "invoke", "build"), project, _environment(), memory)

    return run


def cold_builds(plain: BuildRun, hearth: BuildRun, rounds: int = TIMED_ROUNDS) -> list[ColdBuild]:
    """Both builds' figures: timed runs in turn, then each one's memory sampled."""
    seconds: list[list[float]] = [[], []]
    for _round in range(rounds):
        for times, run in zip(seconds, (plain, hearth), strict=True):
            times.append(run(False).seconds)
    peaks = [run(True).peak_mib or 0.0 for run in (plain, hearth)]
    return [ColdBuild(median(times), peak) for times, peak in zip(seconds, peaks, strict=True)]


def pagefind_over_plain(scratch: Path) -> float:
    """Peak MiB of Pagefind indexing plain Pelican's pages, as a Pelican site adds search:
    the yardstick that Hearth's peak memory is held to, search index and all."""
    import pagefind_bin

    index = scratch / "plain-pagefind"
    shutil.rmtree(index, ignore_errors=True)
    pagefind = str(pagefind_bin.get_executable())
    command = [pagefind, "--site", str(scratch / "plain"), "--output-path", str(index), "--silent"]
    return measure(command, scratch, _environment(), memory=True).peak_mib or 0.0


def hearth_email(project: Path, number: int, after_build: bool = True) -> Measurement:
    """As an author runs it, after a build; or without the member check a build stores."""
    if not after_build:
        shutil.rmtree(project / "cache", ignore_errors=True)
    command = _python("-m", "invoke", "email", "--issue", str(number))
    return measure(command, project, _environment())


def hearth_rebuilds(project: Path, rounds: int = TIMED_ROUNDS) -> dict[str, float]:
    """Rebuild seconds by edit, from one long-running process like the live preview;
    the median of ``rounds`` such processes, each of which puts back what it edited."""
    environment = {**_environment(), "PYTHONPATH": str(Path(__file__).parents[1])}
    seconds: dict[str, list[float]] = {}
    for _round in range(rounds):
        run = measure(_python("-m", "hearth_bench.rebuild"), project, environment)
        for line in run.output.splitlines():
            if "\t" in line:
                name, timed = line.split("\t")
                seconds.setdefault(name, []).append(float(timed))
    return {name: median(times) for name, times in seconds.items()}


def hearth_live_preview(project: Path) -> float:
    return seconds_to_show_an_edit(project, _python("-m", "invoke", "livereload"), _environment())


def hearth_preview_memory(project: Path, saves: int) -> PreviewMemory:
    command = _python("-m", "invoke", "livereload")
    return preview_memory(project, command, _environment(), saves)


def hearth_fresh_rebuilds(scratch: Path, project: Path) -> FreshRebuilds:
    pelican = pelican_cached(scratch, project / "content", _python(), _environment())

    def build() -> Measurement:
        return measure(_python("-m", "invoke", "build"), project, _environment())

    return fresh_rebuilds(project, pelican, build, TIMED_ROUNDS)


YARDSTICK = "(for comparison)"
PELICAN_CACHED = "Pelican's cached rebuild"


def _ratio_figure(
    name: str, unit: str, hearth: float, against: float, limit: float, what: str = "plain"
) -> Figure:
    return Figure(name, unit, hearth, against, f"≤ {limit} × {what}", hearth <= limit * against)


def _limit_figure(name: str, unit: str, hearth: float, limit: float | None = None) -> Figure:
    if limit is None:
        return Figure(name, unit, hearth, None, "", None)
    return Figure(name, unit, hearth, None, f"≤ {limit:g} {unit}", hearth <= limit)


def _fresh_figures(fresh: FreshRebuilds) -> tuple[Figure, ...]:
    figures = _fresh_rows(
        fresh.pelican_cached, fresh.no_change, fresh.issue_edited, fresh.link_added
    )
    if fresh.cpu is None:
        return figures
    # CPU time too: on a shared machine, load stretches wall time, hardly this.
    return figures + _fresh_rows(*fresh.cpu, measured=", CPU time")


def _fresh_rows(
    cached: float, no_change: float, issue: float, link: float, measured: str = ""
) -> tuple[Figure, ...]:
    prefix = "invoke build after a first build"
    return (
        _ratio_figure(
            f"{prefix}, no change{measured}", "s", no_change, cached, 0.3, PELICAN_CACHED
        ),
        _ratio_figure(
            f"{prefix}, one issue edited{measured}", "s", issue, cached, 0.3, PELICAN_CACHED
        ),
        _ratio_figure(
            f"{prefix}, one member link added{measured}", "s", link, cached, 0.5, PELICAN_CACHED
        ),
    )


def _memory_figures(cold: ColdBuild, plain: ColdBuild, with_search: float) -> tuple[Figure, ...]:
    return (
        _ratio_figure(
            "peak memory, cold build, against plain Pelican then Pagefind over its pages",
            "MiB",
            cold.peak_mib,
            with_search,
            3,
            "the yardstick",
        ),
        Figure(
            "peak memory, against plain Pelican alone",
            "MiB",
            cold.peak_mib,
            plain.peak_mib,
            YARDSTICK,
            None,
        ),
    )


def _preview_memory_figure(memory: PreviewMemory) -> Figure:
    return _ratio_figure(
        f"live preview's memory after {memory.saves} saves, against after one",
        "MiB",
        memory.after_last_save,
        memory.after_first_save,
        1.1,
        "after one",
    )


def run_benchmark(
    repo: Path,
    scratch: Path,
    scale: float,
    saves: int = SAVES,
    progress: Callable[[str], None] = print,
) -> Report:
    shape = ArchiveShape.at_scale(scale)
    progress(
        f"Writing a synthetic archive: {shape.issues} issues, {shape.members} members with "
        f"{shape.links} links, {shape.discussions} discussions"
    )
    project = make_project(repo, scratch, shape)
    progress(
        f"Cold builds, plain Pelican on the same issues and Hearth's invoke build: "
        f"{TIMED_ROUNDS} timed runs each, in turn, then each one's memory sampled"
    )
    plain, cold = cold_builds(plain_pelican(scratch, project / "content"), hearth_build(project))
    progress(f"  {plain} (plain Pelican), {cold} (Hearth)")
    progress("Pagefind over plain Pelican's pages, its memory sampled")
    # Run after Pelican, as such a site runs it: the peak is the larger of the two.
    with_search = max(plain.peak_mib, pagefind_over_plain(scratch))
    progress(f"  {with_search:.0f} MiB")
    progress(
        "Rebuilds in a fresh process after a first build: plain Pelican with its content "
        "cache, then Hearth's invoke build with no change, one issue edited, one member link "
        f"added ({TIMED_ROUNDS} rounds, in turn)"
    )
    fresh = hearth_fresh_rebuilds(scratch, project)
    progress(f"  {fresh}")
    progress(
        f"Hearth, invoke email --issue {shape.issues}: after the build ({TIMED_ROUNDS} timed "
        f"runs), then with no cache ({TIMED_ROUNDS} more)"
    )
    # Commands of a few seconds, timed a few times for the same drift as the builds: one
    # run of each, at each scale, made the growth from one scale to the next a matter of luck.
    email = median(hearth_email(project, shape.issues).seconds for _run in range(TIMED_ROUNDS))
    email_alone = median(
        hearth_email(project, shape.issues, after_build=False).seconds
        for _run in range(TIMED_ROUNDS)
    )
    progress(
        "Hearth, rebuilds in one long-running process, as the live preview makes them "
        f"({TIMED_ROUNDS} such processes)"
    )
    rebuilds = hearth_rebuilds(project)
    progress(f"  email {email:.2f} s, {email_alone:.2f} s nothing cached; rebuilds {rebuilds}")
    progress("Hearth, invoke livereload: from saving an edit to the open page's reload")
    shown = hearth_live_preview(project)
    progress(f"  {shown:.2f} s")
    progress(f"Hearth, invoke livereload: its memory after one save and after {saves}")
    memory = hearth_preview_memory(project, saves)
    figures = (
        _ratio_figure("cold full build", "s", cold.seconds, plain.seconds, 0.6),
        *_fresh_figures(fresh),
        *_memory_figures(cold, plain, with_search),
        _limit_figure("rebuild after editing one issue", "s", rebuilds["edit one issue"], 1.0),
        _limit_figure(
            "rebuild after adding one member link", "s", rebuilds["add one member link"], None
        ),
        _limit_figure("live preview shows an edit", "s", shown, 1.0),
        _preview_memory_figure(memory),
        _limit_figure("invoke email, one issue, after a build", "s", email, 1.0),
        _limit_figure("invoke email, one issue, nothing cached", "s", email_alone),
    )
    return Report(scale, shape, figures)


def _number(value: float, unit: str) -> str:
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def format_report(report: Report) -> str:
    shape = report.shape
    lines = [
        f"Archive at scale {report.scale:g}: {shape.issues} issues, {shape.members} members, "
        f"{shape.links} links, {shape.discussions} discussions; {os.cpu_count()} cores",
        "",
        "| Figure | Hearth | Against | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    for figure in report.figures:
        against = _number(figure.against, figure.unit) if figure.against else ""
        ratio = f"{figure.ratio:.2f} ×" if figure.ratio else ""
        met = {True: "yes", False: "**no**", None: ""}[figure.met]
        lines.append(
            f"| {figure.name} | {_number(figure.hearth, figure.unit)} | {against} | {ratio} "
            f"| {figure.target} | {met} |"
        )
    return "\n".join(lines)
