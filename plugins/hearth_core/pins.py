"""The exact library versions whose private internals Hearth's speed-ups patch.

A patch of a library's internals (a name-mangled method, a class's private list,
a module's function replaced) holds only for the code it was written and measured
against; no library promises to keep its internals. So each patch names the
version it was made for. Any other version switches the patch off at run time
(the library's own path runs: slower, never wrong), and tests/test_patch_pins.py
fails, saying which patch to measure again. docs/performance.md lists the patches,
what each gains, and the upstream change that would make it unnecessary.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Pin:
    """``module`` patches ``what`` of ``library`` (its import name), made for ``version``."""

    module: str
    what: str
    library: str
    name: str  # the library as its users call it
    version: str

    def installed(self) -> str:
        """The library's version in this process: its own ``__version__``, without the
        cost of importlib.metadata (a patch asks as each Markdown renderer is made)."""
        return str(importlib.import_module(self.library).__version__)

    def holds(self) -> bool:
        """Whether the patch may run: the library is the very version it was made for."""
        return self.installed() == self.version

    def moved(self) -> str:
        """What to do once the installed library is another version."""
        return (
            f"{self.module} patches {self.name} {self.version}'s {self.what}; {self.name} is "
            f"now {self.installed()}: re-measure the patch and update its pin"
        )
