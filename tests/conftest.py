from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sites import ROOT, build_site


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo newsletter, built once per test session exactly as shipped."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("demo") / "output")


@pytest.fixture
def project(tmp_path):
    """A copy of the project, so tasks can write into it."""
    copy = tmp_path / "site"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, copy / name)
    return copy
