"""What each of markdown_speed.py's tweaks saves: `python -m hearth_bench.tweaks [SCALE]`.

Writes the benchmark's archive, then, in turn for several rounds, times with all the
tweaks on and with each one off (HEARTH_MARKDOWN_TWEAKS_OFF, read by
hearth_core.markdown_speed as it is imported, in the workers too):

- a cold `invoke build`, as the benchmark times it: its wall time, and the CPU time
  of its whole process tree (the main process, the Markdown workers, Pagefind);
- converting every issue body in one process (Python-Markdown alone), in CPU time.

On a machine shared with other work, wall times wander by half from run to run;
CPU time does not count the time the build waits for a core, and wanders far less.
A cold build keeps both cores busy nearly throughout, so a share of its CPU time is
about the same share of its wall time.

It prints a Markdown table: each tweak's median with it off, the spread of the
runs, and the gain, as a share of the figure with every tweak on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from hearth_bench.archive import ArchiveShape, issue_text
from hearth_bench.measure import _descendants, measure
from hearth_bench.run import _environment, _python, make_project

# The tweaks markdown_speed.py has. Seven more were measured with this script on the
# varied archive and removed, each under 3% of the cold build: docs/performance.md.
TWEAKS = ("inline",)
ROUNDS = 3


def convert_issues(project: str) -> float:
    """CPU seconds to convert every issue body with the demo's settings, in this process."""
    import pelicanconf
    from hearth_issues.bodies import markdown_renderer

    issues = sorted((Path(project) / "content" / "issues").glob("*.md"))
    bodies = [path.read_text(encoding="utf-8").split("\n\n", 1)[1] for path in issues]
    renderer = markdown_renderer(pelicanconf.MARKDOWN)
    start = time.process_time()
    for body in bodies:
        renderer.reset()
        renderer.convert(body)
    return time.process_time() - start


TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.02


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0  # exited between two reads
    return int(fields[11]) + int(fields[12])  # utime and stime


def cold_build(project: Path) -> tuple[float, float]:
    """A cold `invoke build`'s wall seconds and the CPU seconds of its whole process tree,
    each process's as last seen (read every 20 ms: cheap, unlike the memory's PSS)."""
    for folder in ("output", "cache"):
        subprocess.run(["rm", "-rf", str(project / folder)], check=True)
    start = time.perf_counter()
    build = subprocess.Popen(
        _python("-m", "invoke", "build"),
        cwd=project,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ticks: dict[int, int] = {}
    while build.poll() is None:
        for pid in _descendants(build.pid):
            ticks[pid] = max(ticks.get(pid, 0), _cpu_ticks(pid))
        time.sleep(SAMPLE_SECONDS)
    if build.returncode:
        raise RuntimeError(f"invoke build failed in {project}")
    return time.perf_counter() - start, sum(ticks.values()) / TICKS


def _timed(project: Path, off: str) -> tuple[float, float, float]:
    """A cold build's wall and CPU seconds, and the issues' Markdown CPU seconds."""
    # Read by every process the build starts, its Markdown workers included.
    os.environ["HEARTH_MARKDOWN_TWEAKS_OFF"] = off
    wall, cpu = cold_build(project)
    paths = [project, project / "plugins", Path(__file__).parents[1]]
    environment = {**_environment(), "PYTHONPATH": os.pathsep.join(map(str, paths))}
    script = f"from hearth_bench.tweaks import convert_issues as c; print(c({str(project)!r}))"
    markdown = float(measure(_python("-c", script), project, environment).output.split()[-1])
    return wall, cpu, markdown


def _convert_with(off: str, renderer: Any, body: str) -> float:
    """CPU seconds to convert ``body`` with the tweak ``off`` turned off ("" for none)."""
    start = time.process_time()
    renderer.reset()
    renderer.convert(body)
    return time.process_time() - start


def markdown_in_turn(count: int, rounds: int) -> dict[str, list[float]]:
    """CPU seconds to convert ``count`` issues with each tweak off, in one process: each
    issue is converted with every variant in turn, so a drift in the machine's speed
    meets them all alike. One total per variant and round, after a round to warm up."""
    import pelicanconf
    from hearth_core import markdown_speed
    from hearth_issues.bodies import markdown_renderer

    bodies = [issue_text(number, count, None).split("\n\n", 1)[1] for number in range(1, count + 1)]
    renderers = {}
    for name in ("", *TWEAKS):
        markdown_speed.OFF = frozenset({name})
        renderers[name] = markdown_renderer(pelicanconf.MARKDOWN)
    markdown_speed.OFF = frozenset()
    names = list(renderers)
    totals: dict[str, list[float]] = {name: [] for name in renderers}
    for round_ in range(rounds + 1):  # the first warms up: compiled patterns, lexers
        spent = dict.fromkeys(renderers, 0.0)
        for index, body in enumerate(bodies):
            # Whoever goes first on a text meets colder caches: each goes first in turn.
            turn = index % len(names)
            for name in names[turn:] + names[:turn]:
                spent[name] += _convert_with(name, renderers[name], body)
        for name, seconds in spent.items():
            if round_:
                totals[name].append(seconds)
        print({name: round(seconds, 2) for name, seconds in spent.items()}, file=sys.stderr)
    return totals


def _cell(runs: list[float], base: float) -> str:
    gain = (median(runs) - base) / base
    return f"{median(runs):.2f} s ({min(runs):.2f}–{max(runs):.2f}) | {100 * gain:+.1f}%"


def _row(name: str, runs: list[tuple[float, ...]], base: tuple[float, ...]) -> str:
    cells = [_cell([run[index] for run in runs], base[index]) for index in range(len(base))]
    return f"| {name} | " + " | ".join(cells) + " |"


def main(scale: float, rounds: int) -> None:
    repo = Path(__file__).parents[2]
    with tempfile.TemporaryDirectory(prefix="hearth-tweaks-") as scratch:
        project = make_project(repo, Path(scratch), ArchiveShape.at_scale(scale))
        runs: dict[str, list[tuple[float, ...]]] = {}
        for _round in range(rounds):
            for name in ("", *TWEAKS):
                runs.setdefault(name, []).append(_timed(project, name))
                print(name or "all on", runs[name][-1], file=sys.stderr, flush=True)
    base = tuple(median(run[index] for run in runs[""]) for index in range(3))
    print(
        "| Tweak off | Cold build, wall (spread) | Gain | Cold build, CPU (spread) | Gain "
        "| Issues' Markdown, CPU (spread) | Gain |"
    )
    print("|---|---|---|---|---|---|---|")
    print(_row("none (all on)", runs[""], base))
    for name in TWEAKS:
        print(_row(name, runs[name], base))


def main_markdown(count: int, rounds: int) -> None:
    totals = markdown_in_turn(count, rounds)
    base = median(totals[""])
    print("| Tweak off | Issues' Markdown, CPU (spread) | Gain |")
    print("|---|---|---|")
    for name, runs in totals.items():
        print(f"| {name or 'none (all on)'} | {_cell(runs, base)} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["markdown"]:
        main_markdown(int(sys.argv[2]), int(sys.argv[3]))
    else:
        arguments = [*sys.argv[1:], "1", str(ROUNDS)][:2]
        main(float(arguments[0]), int(arguments[1]))
