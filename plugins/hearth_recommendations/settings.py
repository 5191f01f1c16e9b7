"""HEARTH_RECOMMENDATIONS: where the files are and how much of the neighbours to show."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth_core.settings import SettingsError, plugin_settings

DEFAULTS: dict[str, Any] = {
    # Below content/: the recommendations, and what `invoke sync-neighbours` last kept.
    "file": "recommendations.yml",
    "neighbours_file": "neighbours.json",
    # Posts kept per recommended site, and shown on the home page in all.
    "posts_per_site": 3,
    "home_limit": 5,
    # Whether each issue's email shows them too, after "From the community".
    "email": False,
}
# Far above anything worth keeping or showing; bounds what a hand edit can ask for.
MOST_POSTS = 20


def recommendation_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    options = plugin_settings(settings, "HEARTH_RECOMMENDATIONS", DEFAULTS)
    for key in ("posts_per_site", "home_limit"):
        if not 0 <= options[key] <= MOST_POSTS:
            raise SettingsError(
                f"must be 0 to {MOST_POSTS}, not {options[key]!r}",
                setting="HEARTH_RECOMMENDATIONS",
                key=(key,),
            )
    return options


def recommendations_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], recommendation_options(settings)["file"])


def neighbours_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["PATH"], recommendation_options(settings)["neighbours_file"])
