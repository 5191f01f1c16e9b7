"""What a page shows of the discussions of a link on other sites: "Also discussed on
Hacker News (123 comments) · Lobsters (14)".

Values only (named tuples), so they can be part of hearth_members' LinkView, which
fragments keep by value; hearth_discussions.elsewhere finds and makes them.
"""

from __future__ import annotations

from typing import NamedTuple


class AlsoDiscussed(NamedTuple):
    """One platform's discussion of a link, ready to show."""

    platform: str  # its label: "Hacker News"
    href: str  # an https address on the platform's own host
    # "123 comments" for the first shown, "14" for the others, "" if not known.
    count_text: str
    separator: str  # " · " before every one but the first


Elsewhere = tuple[AlsoDiscussed, ...]


def also_discussed(found: tuple[tuple[str, str, int | None], ...]) -> Elsewhere:
    """(label, href, comments) in the order to show, as the template shows them."""
    shown = []
    for position, (platform, href, comments) in enumerate(found):
        if comments is None:
            count = ""
        elif position:
            count = f"{comments:,}"
        else:
            count = "1 comment" if comments == 1 else f"{comments:,} comments"
        shown.append(AlsoDiscussed(platform, href, count, " · " if position else ""))
    return tuple(shown)


def no_elsewhere(_url: str) -> Elsewhere:
    """A site without hearth_discussions' elsewhere data: nothing to show."""
    return ()
