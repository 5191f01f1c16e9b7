"""Topics: the one slug rule that makes an issue's tag and a member's topic meet, and
the near-miss suggestion every check gives for a topic spelled almost right."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

# How alike two words must be for one to be offered as the other ("desing" and
# "design": 0.83). A member's unknown topic is wrong whatever it is, so any likeness
# helps.
SUGGEST = 0.6
# An issue's tag may be a topic of its own ("printing" beside "writing", "typing"), so
# it is refused as a slip only when one typing mistake away from a configured topic:
# a letter added, dropped or changed, or two neighbours swapped ("desing").
SLIP_EDITS = 1
# Shorter words are a letter apart from too many others ("art" and "arc").
SLIP_SHORTEST = 4


def topic_slug(topic: str) -> str:
    """The slug of a topic: its page is /topics/<slug>/, and topics with one slug are one.

    Pelican's own slug of a tag with its default settings (which Hearth keeps), so the
    issue pages' tag links and the topic pages agree.
    """
    return slugify(topic, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def near_miss(word: str, choices: Iterable[str], cutoff: float = SUGGEST) -> str | None:
    """The choice ``word`` most likely misspells, if any is alike enough (case aside)."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = SUGGEST) -> str:
    """`` (did you mean design?)`` for a near miss, else nothing: to put in a message."""
    close = near_miss(word, choices, cutoff)
    return f" (did you mean {close}?)" if close else ""


def slipped_topic(tag: str, topics: Iterable[str]) -> str | None:
    """The configured topic an issue's ``tag`` is a slip of ("desing" for "design"), or
    None: when the tag is that topic (by slug) or like none closely enough."""
    by_slug = {topic_slug(topic): topic for topic in topics}
    slug = topic_slug(tag)
    if not slug or slug in by_slug:
        return None
    if len(slug) < SLIP_SHORTEST:
        return None
    slips = [known for known in by_slug if typing_distance(slug, known) <= SLIP_EDITS]
    return by_slug[min(slips)] if slips else None


def typing_distance(one: str, other: str) -> int:
    """How many typing mistakes turn ``one`` into ``other``: letters added, dropped or
    changed, and neighbours swapped (the optimal string alignment distance)."""
    before: list[int] = []
    row = list(range(len(other) + 1))
    for i, letter in enumerate(one, 1):
        earlier, before, row = before, row, [i] + [0] * len(other)
        for j, known in enumerate(other, 1):
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (letter != known))
            if i > 1 and j > 1 and letter == other[j - 2] and one[i - 2] == known:
                row[j] = min(row[j], earlier[j - 2] + 1)
    return row[-1]
