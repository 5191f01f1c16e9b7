"""The index's parts rank as one index: Pagefind's settings per part, and the pin they rely on."""

from __future__ import annotations

import json
import math
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hearth_search import pagefind
from hearth_search.pagefind import write_search_index
from hearth_search.ranking import META_WEIGHTS, PAGE_LENGTH, TERM_SATURATION, part_options
from hearth_search.records import SearchRecord


def pagefind_score(settings: dict, length: float, average: float, tf: float, idf: float) -> float:
    """pagefind_web's score of one word (search.rs, calculate_bm25_word_score with
    termFrequency 1, plus the title's metadata boost), times the index's weight."""
    ranking = settings["ranking"]
    k1, b = ranking["termSaturation"], ranking["pageLength"]
    body = idf * (k1 + 1) * tf / (k1 * (1 - b + b * length / average) + tf)
    return settings["indexWeight"] * (body + ranking["metaWeights"]["title"] * idf)


ONE_INDEX = {
    "indexWeight": 1.0,
    "ranking": {
        "termSaturation": TERM_SATURATION,
        "pageLength": PAGE_LENGTH,
        "metaWeights": META_WEIGHTS,
    },
}


@given(
    part=st.tuples(st.integers(1, 2000), st.floats(0.2, 2.3)),
    rest=st.tuples(st.integers(1, 2000), st.floats(0.2, 2.3)),
    length=st.floats(1, 50_000),
    tf=st.floats(0.04, 40),
    idf=st.floats(0.01, 8),
)
def test_a_part_s_settings_give_one_index_s_score_for_any_record_length(
    part, rest, length, tf, idf
):
    # Records and their average length (in units of 1,000 words) of a part and the others.
    records = part[0] + rest[0]
    words = part[0] * part[1] * 1000 + rest[0] * rest[1] * 1000
    average = words / records
    ratio = part[1] * 1000 / average
    if ratio > 2.33:  # beyond what Pagefind's settings allow (ranking.py)
        return
    settings = part_options((part[0], round(part[0] * part[1] * 1000)), (records, round(words)))
    in_part = pagefind_score(settings, length, part[1] * 1000, tf, idf)
    in_one = pagefind_score(ONE_INDEX, length, average, tf, idf)
    assert math.isclose(in_part, in_one, rel_tol=1e-3), (settings, in_part, in_one)


def test_a_part_as_long_as_the_index_ranks_with_its_settings():
    assert part_options((10, 15_000), (100, 150_000)) == ONE_INDEX


def test_a_part_too_long_to_match_stays_within_pagefind_s_bounds():
    settings = part_options((5, 50_000), (100, 150_000))
    assert settings["ranking"]["termSaturation"] == 2.0
    assert 0 <= settings["ranking"]["pageLength"] <= 1


def words_records(count: int) -> list[SearchRecord]:
    """Records of many distinct words: more word places than a small chunk holds."""
    return [
        SearchRecord(
            f"/issues/{n}/",
            f"Issue {n}",
            "issue",
            date(2025, 1, 1 + n % 28),
            (),
            "<p>" + " ".join(f"word{n}x{w}" for w in range(200)) + "</p>",
            f"Issue {n}",
        )
        for n in range(count)
    ]


def test_pagefind_cuts_its_word_index_at_the_chunk_size_it_is_given(tmp_path, monkeypatch):
    # The pin of PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE (pagefind.py): another Pagefind that
    # ignores it fails here, and a query over two parts would cost twice the index chunks.
    records = words_records(20)
    monkeypatch.setattr(pagefind, "INDEX_CHUNK_SIZE", 20_000)
    large = write_search_index(records, tmp_path / "large", "en", split=lambda _r: "all")
    monkeypatch.setattr(pagefind, "INDEX_CHUNK_SIZE", 500)
    small = write_search_index(records, tmp_path / "small", "en", split=lambda _r: "all")
    assert len(list((large / "all/index").iterdir())) == 1
    assert len(list((small / "all/index").iterdir())) >= 8, (
        f"Pagefind {pagefind.PAGEFIND_VERSION} ignores PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE:"
        " find its chunk-size setting, or split the index into fewer parts"
    )


def test_parts_json_gives_each_part_its_ranking_from_the_words_pagefind_counted(tmp_path):
    records = words_records(6)
    longer = [
        SearchRecord(r.url + "l", r.title, r.kind, date(2026, 1, 1), (), r.body_html * 3, r.label)
        for r in records[:2]
    ]
    folder = write_search_index(records + longer, tmp_path, "en")
    listed = json.loads((folder / "parts.json").read_text())
    assert listed["parts"] == ["recent", "archive"]
    assert listed["pages"] == {"recent": 2, "archive": 6}
    recent, archive = (listed["options"][name]["ranking"] for name in listed["parts"])
    # Longer records than the index's: more saturation, more weight on length.
    assert recent["termSaturation"] > TERM_SATURATION > archive["termSaturation"]
    assert (
        listed["options"]["recent"]["indexWeight"] < 1 < listed["options"]["archive"]["indexWeight"]
    )
    assert not list(folder.rglob("hearth-lengths.json")), "the build's own, never published"
