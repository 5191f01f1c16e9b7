"""Ranking settings that make the index's parts rank their records as one index would.

Pagefind scores a record for a word with BM25 (``pagefind_web/src/search.rs``)::

    idf(word) * (k1 + 1) * tf / (k1 * (1 - b + b * length / average) + tf)
    + sum over the metadata fields the word is in: weight(field) * idf(word)

where ``k1`` is the ``termSaturation`` setting, ``b`` the ``pageLength`` setting, and
``average`` the average length of the records *of the index searched*. Merged parts
each compare a record's length with their own average. Two settings per part undo that
exactly: with ``k1_p = k1 (1 - b) + k1 b r`` and ``b_p = k1 b r / k1_p``, where ``r`` is
the part's average over the whole index's, a part's length term ``k1_p (1 - b_p + b_p
length / average_p)`` equals one index's ``k1 (1 - b + b length / average)`` for every
length. What is left is a factor ``(k1_p + 1) / (k1 + 1)`` on the body's share, which the
part's ``indexWeight`` (Pagefind multiplies a merged index's scores by it) takes back,
and the metadata weights are divided by the same weight so that their share stays.

What no setting of a part can undo is ``idf``: it weighs each word by its rarity among
the part's records, and a word's rarity differs part to part in a way of its own,
while a part has one weight for every word. The search page moves each word's score
from its part's ``idf`` to the whole index's (``theme/static/js/search.js``, ``ranked``).
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

# What one index ranks with: Pagefind's page length setting, and a lower term saturation
# than its 1.4, so that a part whose records are up to 2.33 times as long as the whole
# index's on average still ranks as one index: ``k1_p`` must stay within Pagefind's 2.
# (The benchmark's recent quarter: 2.07 times, with its months of links and threads.)
TERM_SATURATION = 1.0
PAGE_LENGTH = 0.75
# Pagefind's term-saturation setting is clamped to this.
MOST_SATURATION = 2.0
# Words in a record's metadata count as Pagefind counts them (a title match 5 times),
# except the fields a reader never sees as words: the date, the address, the parts file.
# Every field is named: one left out counts once in every part, whatever its weight.
META_WEIGHTS = {
    **{"title": 5.0, "label": 1.0, "tags": 1.0, "image_alt": 1.0},
    **{"date": 0.0, "day": 0.0, "month": 0.0, "url": 0.0, "parts": 0.0, "image": 0.0},
}


def part_options(part: tuple[int, int], whole: tuple[int, int]) -> dict[str, Any]:
    """The Pagefind options of a part of ``part`` = (records, words) in an index of
    ``whole`` = (records, words), which make its scores the whole index's."""
    ratio = (part[1] / part[0]) / (whole[1] / whole[0])
    lengths = TERM_SATURATION * PAGE_LENGTH * ratio
    saturation = TERM_SATURATION * (1 - PAGE_LENGTH) + lengths
    if saturation > MOST_SATURATION:
        # Pagefind allows no more: the part keeps one index's slope of length as far as
        # it can, and its short records rank a little higher than in one index.
        logger.info("search: a part's records are %.2f times as long as the index's", ratio)
        saturation = MOST_SATURATION
    weight = (TERM_SATURATION + 1) / (saturation + 1)
    return {
        "indexWeight": weight,
        "ranking": {
            "termSaturation": saturation,
            "pageLength": min(1.0, lengths / saturation),
            "metaWeights": {field: value / weight for field, value in META_WEIGHTS.items()},
        },
    }


def parts_options(lengths: dict[str, tuple[int, int]]) -> dict[str, dict[str, Any]]:
    """Each part's options, from each part's (records, words) as Pagefind counted them."""
    whole = (sum(n for n, _w in lengths.values()), sum(w for _n, w in lengths.values()))
    return {name: part_options(part, whole) for name, part in lengths.items()}
