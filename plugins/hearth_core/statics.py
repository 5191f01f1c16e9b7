"""The static generators of a build, for work that needs their files' final places.

Asking a static file its ``save_as`` or ``url`` marks its place as referenced, and
Pelican then refuses an {attach} link that would move it beside its page. So code that
needs those places waits for Pelican's ``finalized`` signal, when every page is written,
and finds the generators here: ``remember_statics`` is connected to
``static_generator_finalized``, and ``forget_statics`` to ``initialized``, as a live
preview's state outlives each build.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth_core.state import build_state


class StaticGenerators:
    """A part of the build state: this build's static generators."""

    def __init__(self) -> None:
        self.generators: list[Any] = []


def forget_statics(pelican: Any) -> None:
    build_state(pelican.settings).part(StaticGenerators).generators.clear()


def remember_statics(generator: Any) -> None:
    remembered = build_state(generator.settings).part(StaticGenerators).generators
    if not any(known is generator for known in remembered):
        remembered.append(generator)


def static_generators(settings: Mapping[str, Any]) -> list[Any]:
    """The static generators of the build of ``settings``, once it has written its pages."""
    return list(build_state(settings).part(StaticGenerators).generators)
