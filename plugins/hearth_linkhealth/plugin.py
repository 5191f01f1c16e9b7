"""Pelican wiring: the webring and the fediverse accounts in the template context, and
the Bridgy Fed redirects file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_core.files import write_atomically
from hearth_linkhealth.fediverse import REDIRECTS_FILE, bridgy_fed_redirects, fediverse_accounts
from hearth_linkhealth.webring import webring


class LinksGenerator(Generator):
    """The footer's webring and accounts, and ``_redirects`` when Bridgy Fed is on."""

    def generate_context(self) -> None:
        self.context["webring"] = webring(self.settings)
        self.context["fediverse_accounts"] = fediverse_accounts(self.settings)
        self.redirects = bridgy_fed_redirects(self.settings)

    def generate_output(self, writer: Any) -> None:
        if self.redirects is not None:
            write_atomically(Path(self.output_path, REDIRECTS_FILE), self.redirects.encode())


def get_generators(_pelican: Any) -> type[LinksGenerator]:
    return LinksGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
