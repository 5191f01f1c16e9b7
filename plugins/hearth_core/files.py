"""Writing output files so that nobody ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        try:
            handle.write(data)
        except BaseException:
            os.unlink(handle.name)
            raise
    try:
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        # A full disk or a killed task must not leave ".activity.json.x1y2" litter behind.
        os.unlink(handle.name)
        raise
