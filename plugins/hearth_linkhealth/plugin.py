"""Pelican wiring: the webring and the fediverse accounts in the template context, and
a check of the Bridgy Fed setting (hearth_site writes the one ``_redirects`` file)."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from hearth_linkhealth.fediverse import bridgy_fed_redirects, fediverse_accounts
from hearth_linkhealth.webring import webring


class LinksGenerator(Generator):
    """The footer's webring and accounts."""

    def generate_context(self) -> None:
        self.context["webring"] = webring(self.settings)
        self.context["fediverse_accounts"] = fediverse_accounts(self.settings)
        bridgy_fed_redirects(self.settings)  # refuses a site below a path, before writing

    def generate_output(self, writer: Any) -> None:
        """Nothing of its own: the redirects go in hearth_site's one ``_redirects``."""


def get_generators(_pelican: Any) -> type[LinksGenerator]:
    return LinksGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
