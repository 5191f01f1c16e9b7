"""The build cache's key is the same in every process that runs the same code."""

from __future__ import annotations

from pathlib import Path

from hearth_core.cachekey import installed_distributions


def test_an_in_tree_egg_info_does_not_change_the_libraries_key(tmp_path: Path) -> None:
    # `pip install -e .` leaves hearth.egg-info in the project folder, which invoke puts
    # on sys.path only while a task runs: a build's key differed before and after it,
    # and no build was ever found unchanged in a clone.
    (tmp_path / "hearth.egg-info").mkdir()
    (tmp_path / "pelican-4.12.0.dist-info").mkdir()
    assert installed_distributions([str(tmp_path)]) == ["pelican-4.12.0.dist-info"]


def test_a_distribution_found_twice_on_the_path_counts_once(tmp_path: Path) -> None:
    (tmp_path / "markdown-3.9.dist-info").mkdir()
    folder = str(tmp_path)
    assert installed_distributions([folder, folder]) == installed_distributions([folder])
