from __future__ import annotations

from pathlib import Path

import pytest

from tests.sites import ROOT, build_site


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo newsletter, built once per test session exactly as shipped."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("demo") / "output")
