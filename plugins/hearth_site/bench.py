"""`invoke bench`: build a large generated newsletter and hold it to speed and memory targets.

Timed tests are flaky on shared machines; a benchmark run on demand is not.
"""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hearth_issues.source import issue_file_name

# A decade of weekly issues on the 2-core CI machine.
TARGETS = {"issues": 520, "seconds": 20.0, "peak_mib": 512.0}

BODY = """\
Hello again,

## What members made

A paragraph about [a project](https://example.org/{n}) with *emphasis* and `code`.

- one point
- another point

```python
print("issue {n}")
```

## One idea

> A quote worth keeping.
"""


@dataclass(frozen=True)
class BenchResult:
    issues: int
    seconds: float
    peak_mib: float

    def failures(self) -> list[str]:
        failed = []
        if self.seconds > TARGETS["seconds"]:
            failed.append(f"took {self.seconds:.1f} s, target {TARGETS['seconds']:.0f} s")
        if self.peak_mib > TARGETS["peak_mib"]:
            failed.append(f"peaked at {self.peak_mib:.0f} MiB, target {TARGETS['peak_mib']:.0f}")
        return failed


def write_issues(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    first = date(2016, 1, 1)
    for n in range(1, count + 1):
        header = f"Title: Issue number {n}\nDate: {first + timedelta(weeks=n)}\n"
        header += f"Summary: Summary of issue {n}.\nTags: topic{n % 12}, weekly\n\n"
        (folder / issue_file_name(n, f"issue-{n}")).write_text(header + BODY.format(n=n))


def run_bench(settings_for: Any, count: int = TARGETS["issues"]) -> BenchResult:
    """``settings_for(content, output)`` returns build settings for those folders."""
    from hearth_site.build import build

    with tempfile.TemporaryDirectory() as scratch:
        content = Path(scratch, "content")
        write_issues(content / "issues", count)
        (content / "pages").mkdir()
        start = time.perf_counter()
        build(settings_for(content, Path(scratch, "output")))
        seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BenchResult(count, seconds, peak)
