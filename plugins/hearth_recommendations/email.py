"""What an issue's email shows of the neighbours, when HEARTH_RECOMMENDATIONS asks for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth_core.problems import ContentError
from hearth_recommendations.model import FromNeighbour
from hearth_recommendations.neighbours import from_neighbours, read_neighbours
from hearth_recommendations.settings import neighbours_path, recommendation_options
from hearth_recommendations.validate import load_recommendations


def email_neighbours(settings: Mapping[str, Any]) -> list[FromNeighbour]:
    """The posts the home page shows as "From our neighbours", for the email too; none
    unless the ``email`` option is on. ContentError if either file has a problem."""
    options = recommendation_options(settings)
    if not options["email"]:
        return []
    recommendations, problems = load_recommendations(settings)
    neighbours, more = read_neighbours(neighbours_path(settings))
    if problems or more:
        raise ContentError(problems + more)
    return from_neighbours(recommendations, neighbours, options["home_limit"])
