"""Time a command and sample the memory of its whole process tree.

Peak memory is the largest sum of PSS (proportional set size) over the process
and all its descendants, sampled every few milliseconds. PSS splits pages shared
between forked workers, so a build that uses two processes is charged for what
it really holds, no more and no less; a single-process build is measured the same way.

Reading PSS makes the kernel walk every page the tree maps, on the measured
machine's own cores: sampling a cold build every 5 ms slowed it by a fifth. So a
run is either timed or sampled, never both.
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.005


@dataclass(frozen=True)
class Measurement:
    seconds: float
    output: str
    peak_mib: float | None = None  # only in a run that sampled memory
    # User and system CPU time of the command and every child it waited for (Markdown
    # workers, Pagefind): on a shared machine, load stretches wall time, hardly this.
    cpu_seconds: float | None = None


class CommandFailed(Exception):
    """A measured command exited with an error; the message carries its output."""


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue  # exited between two reads
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mib(pid: int) -> float:
    return sum(_pss_kib(each) for each in _descendants(pid)) / 1024


class PeakSampler:
    """Samples a process tree's memory on a thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, tree_pss_mib(self.pid))
            self._stop.wait(SAMPLE_SECONDS)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mib


def measure(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, memory: bool = False
) -> Measurement:
    """Run ``command`` to its end; its wall time includes start-up, as a user waits for it.

    With ``memory``, its peak memory is sampled, and its time is not a fair figure.
    """
    start = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = PeakSampler(process.pid) if memory else None
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    peak = sampler.stop() if sampler else None
    if process.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} exited with {process.returncode}:\n{output}")
    return Measurement(seconds, output, peak, cpu)


def _children_cpu() -> float:
    # This process's waited-for children, all of them: one command runs at a time.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
