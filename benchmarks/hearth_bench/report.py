"""`invoke bench`: run the benchmark once, or at two sizes to check that costs grow linearly."""

from __future__ import annotations

import tempfile
from pathlib import Path

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


def _run(repo: Path, scale: float, keep: Path | None, saves: int) -> Report:
    if keep:
        try:
            keep.mkdir(parents=True, exist_ok=False)
        except OSError as error:
            raise ValueError(f"--keep {keep}: cannot make this folder ({error.strerror})") from None
        return run_benchmark(repo, keep, scale, saves)
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as scratch:
        return run_benchmark(repo, Path(scratch), scale, saves)


def _saves(given: object) -> int:
    text = str(given).strip()
    # At most five digits before int(), which refuses a number of over 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= 10_000):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise ValueError(f"--saves {shown!r}: give a whole number from 1 to 10000, like 100")
    return int(text)


def bench_command(
    repo: Path, scale: float, scaling: bool, keep: Path | None, saves: object = SAVES
) -> str:
    """The report as Markdown tables; ValueError for bad options or a failed run."""
    if scale <= 0:
        raise ValueError("--scale must be above 0, like 1 or 0.5")
    count = _saves(saves)
    if keep and keep.exists():
        raise ValueError(f"--keep {keep} already exists: name a new folder")
    try:
        report = _run(repo, scale, keep, count)
        if not scaling:
            return format_report(report)
        larger = _run(repo, 2 * scale, keep / "double" if keep else None, count)
    except CommandFailed as error:
        raise ValueError(f"a measured command failed, so there are no figures:\n{error}") from None
    return "\n\n".join([format_report(report), format_report(larger), growth_table(report, larger)])
