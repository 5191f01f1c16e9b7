"""Lighthouse (mobile) on the demo site: accessibility, best practices and SEO at 98 or more.

Lighthouse is pinned in package.json and drives Debian's Chromium through CHROME_PATH. Its
performance score is a timing, so it is measured by `invoke bench`, not held here.
Outside CI a missing Lighthouse, Node or Chromium skips these tests with the reason; in CI
(HEARTH_REQUIRE_TOOLS, HEARTH_REQUIRE_BROWSER) it fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, FLAGS, missing

CATEGORIES = ("accessibility", "best-practices", "seo")
LOWEST = 0.98
PAGES = {
    "home": "/",
    "issue": "/issues/14/",
    "links": "/links/",
    "discussions": "/discussions/",
    "search": "/search/",
}


@pytest.fixture(scope="module")
def lighthouse(test_tool) -> list[str]:
    """The command that runs the pinned Lighthouse, or a skip (a failure in CI) saying why."""
    script = test_tool("lighthouse/cli/index.js")
    node = shutil.which("node")
    if node is None:
        missing("Node.js is missing (apt-get install nodejs): Lighthouse runs on it")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HEARTH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium): Lighthouse skipped")
    return [str(node), str(script)]


def audit(lighthouse: list[str], url: str, report: Path) -> dict:
    """Lighthouse's report on ``url`` with its default, mobile settings."""
    flags = " ".join(["--headless=new", *FLAGS])
    run = subprocess.run(
        [
            *lighthouse,
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--no-enable-error-reporting",
            f"--chrome-flags={flags}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(report: dict) -> list[str]:
    """Each category under the bar, with the audits that cost it points."""
    found = []
    for name in CATEGORIES:
        category = report["categories"][name]
        if category["score"] >= LOWEST:
            continue
        failing = [
            f"{ref['id']} ({report['audits'][ref['id']]['title']})"
            for ref in category["auditRefs"]
            if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
        ]
        found.append(f"{name} {category['score']:.2f}: {', '.join(failing)}")
    return found


@pytest.mark.parametrize("kind", list(PAGES))
def test_lighthouse_mobile_scores_at_least_98(kind, lighthouse, site_url, tmp_path):
    report = audit(lighthouse, site_url + PAGES[kind], tmp_path / "report.json")
    assert report["configSettings"]["formFactor"] == "mobile"
    assert not shortfalls(report), f"{PAGES[kind]}: " + "; ".join(shortfalls(report))


def test_lighthouse_is_pinned_exactly_in_package_json():
    """`npm install --ignore-scripts` (.ci/run) installs this very version, which needs no
    install script: Lighthouse runs the Chromium CHROME_PATH names."""
    package = json.loads((Path(__file__).parent.parent / "package.json").read_text())
    assert package["devDependencies"]["lighthouse"] == "12.2.3"
