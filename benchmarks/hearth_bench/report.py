"""`invoke bench`: run the benchmark once, or at two sizes to check that costs grow linearly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hearth_bench.lighthouse import LighthouseFailed, format_scores, performance_scores
from hearth_bench.live import SAVES
from hearth_bench.measure import CommandFailed
from hearth_bench.run import YARDSTICK, Report, format_report, run_benchmark

# Doubling the archive may at most double each figure, plus this much for noise.
LINEAR_SLACK = 1.10


def growth_table(small: Report, large: Report) -> str:
    lines = [
        f"Growth from scale {small.scale:g} to {large.scale:g} (linear: at most "
        f"{2 * LINEAR_SLACK:.1f} ×)",
        "",
        "| Figure | Growth | Linear |",
        "|---|---|---|",
    ]
    for before, after in zip(small.figures, large.figures, strict=True):
        if before.target == YARDSTICK:
            continue  # Hearth's figure is in the row above
        growth = after.hearth / before.hearth
        linear = "yes" if growth <= 2 * LINEAR_SLACK else "**no**"
        lines.append(f"| {before.name} | {growth:.2f} × | {linear} |")
    return "\n".join(lines)


def _run(
    repo: Path, scale: float, keep: Path | None, saves: int, lighthouse: bool = False
) -> tuple[Report, str]:
    """The report, and Lighthouse's section where asked for (else "")."""
    if keep:
        try:
            keep.mkdir(parents=True, exist_ok=False)
        except OSError as error:
            raise ValueError(f"--keep {keep}: cannot make this folder ({error.strerror})") from None
        return _measured(repo, keep, scale, saves, lighthouse)
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as scratch:
        return _measured(repo, Path(scratch), scale, saves, lighthouse)


def _measured(
    repo: Path, scratch: Path, scale: float, saves: int, lighthouse: bool
) -> tuple[Report, str]:
    report = run_benchmark(repo, scratch, scale, saves)
    if not lighthouse:
        return report, ""
    print("Lighthouse's performance score, mobile, on the archive's built pages")
    output = scratch / "project" / "output"
    return report, format_scores(performance_scores(repo, output))


def _saves(given: object) -> int:
    text = str(given).strip()
    # At most five digits before int(), which refuses a number of over 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= 10_000):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise ValueError(f"--saves {shown!r}: give a whole number from 1 to 10000, like 100")
    return int(text)


def bench_command(
    repo: Path,
    scale: float,
    scaling: bool,
    keep: Path | None,
    saves: object = SAVES,
    lighthouse: bool = True,
) -> str:
    """The report as Markdown tables; ValueError for bad options or a failed run."""
    if scale <= 0:
        raise ValueError("--scale must be above 0, like 1 or 0.5")
    count = _saves(saves)
    if keep and keep.exists():
        raise ValueError(f"--keep {keep} already exists: name a new folder")
    try:
        report, scores = _run(repo, scale, keep, count, lighthouse)
        if not scaling:
            return "\n\n".join(filter(None, [format_report(report), scores]))
        larger, _none = _run(repo, 2 * scale, keep / "double" if keep else None, count)
    except (CommandFailed, LighthouseFailed) as error:
        raise ValueError(f"a measured command failed, so there are no figures:\n{error}") from None
    tables = [format_report(report), format_report(larger), growth_table(report, larger)]
    return "\n\n".join(filter(None, [*tables, scores]))
