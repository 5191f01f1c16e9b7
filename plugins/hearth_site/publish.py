"""`invoke publish`: build into a staging folder, check it, and only then deploy it.

A failure at any step leaves the deployed site as it was: nothing is deployed until the
staged site passed every check. What each target then promises:
- folder: one atomic step (see hearth_site.swap); at every instant the folder serves every
  page of the old site or every page of the new one, and an interrupt leaves one of them;
- rsync: nothing changes on the server until every file arrived (--delay-updates), then
  the files are renamed into place one by one, and old ones deleted: for that moment a
  visitor may get some pages old and some new, but never a half-written file;
- gh-pages: one commit, pushed in one push; GitHub Pages then deploys it whole.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from lxml import html as lxml_html

from hearth_core.errors import HearthError
from hearth_core.problems import ContentError
from hearth_core.settings import SettingsError, absolute_site_url, load_settings, plugin_settings
from hearth_site.build import BuildFailed, build
from hearth_site.gates import html_checker_missing, html_errors, outside_requests
from hearth_site.swap import Swap, SwapUnavailable, deploy_folder, swap_advice

DEFAULTS = {"target": "", "folder": "", "rsync": "", "branch": "gh-pages"}
# What each target needs, and where publishconf.py lets the environment set it.
NEEDS = {"folder": "folder", "rsync": "rsync", "gh-pages": "branch"}
ENVIRONMENT = {
    "target": "HEARTH_PUBLISH_TARGET",
    "folder": "HEARTH_PUBLISH_FOLDER",
    "rsync": "HEARTH_RSYNC_DEST",
    "branch": "HEARTH_PUBLISH_BRANCH",
}
MEANING = {
    "folder": "the folder your web server serves, such as /var/www/newsletter",
    "rsync": "where rsync copies the site, such as user@host:/var/www/newsletter/",
    "branch": "the branch GitHub Pages serves, such as gh-pages",
}


class PublishError(HearthError):
    """Nothing was deployed, or the deployed site is as it was; the message says what to do."""


@dataclass(frozen=True)
class Target:
    kind: str
    destination: str


def publish_target(settings: dict[str, Any], kind: str = "") -> Target:
    """``kind`` or the configured target, with its destination; SettingsError says what to set."""
    options = plugin_settings(settings, "HEARTH_PUBLISH", DEFAULTS)
    kind = kind or options["target"]
    if kind not in NEEDS:
        given = f"is {kind!r}" if kind else "is not set"
        raise SettingsError(
            f"{given}: set it, or the {ENVIRONMENT['target']} environment variable, "
            "to folder, rsync or gh-pages",
            setting="HEARTH_PUBLISH",
            key=("target",),
        )
    key = NEEDS[kind]
    if not options[key]:
        raise SettingsError(
            f"the {kind} target needs it, or the {ENVIRONMENT[key]} environment variable: "
            f"{MEANING[key]}",
            setting="HEARTH_PUBLISH",
            key=(key,),
        )
    return Target(kind, options[key])


def broken_links(site: Path, site_url: str = "") -> list[str]:
    """``page: link`` for every internal link or anchor in the built ``site`` that leads nowhere.

    Relative, root-relative and ``#id`` links are internal, and so are absolute ones under
    ``site_url``, the public address; root-relative links must start with its path, since
    that is where the site is served.
    """
    base = urlsplit(site_url)
    root = base.path.rstrip("/") + "/"
    pages = {
        path.relative_to(site).as_posix(): lxml_html.document_fromstring(path.read_bytes())
        for path in sorted(site.rglob("*.html"))
    }
    ids = {name: set(doc.xpath("//*/@id | //a/@name")) for name, doc in pages.items()}
    broken = []
    for name, doc in pages.items():
        for link in dict.fromkeys(_links(doc)):
            target = _internal_target(link, root + name, base)
            if target is not None and not _resolves(site, root, ids, *target):
                broken.append(f"{name}: {link}")
    return broken


HTML_CHECK = "Invalid HTML (page:line: message)"
# Checks of the built site, by the heading their problems are listed under: each takes the
# site's folder and public address and returns one line per problem; any problem stops publishing.
SITE_CHECKS: dict[str, Callable[[Path, str], list[str]]] = {
    "Broken links (page: link)": broken_links,
    "Requests to other hosts (page: address)": outside_requests,
    HTML_CHECK: html_errors,
}


def _links(doc: Any) -> list[str]:
    found = doc.xpath(
        "//a/@href | //link/@href | //area/@href | //*/@src"
        " | //meta[@property='og:url' or @property='og:image']/@content"
    )
    return [str(link).strip() for link in found]


def _internal_target(link: str, here: str, base: SplitResult) -> tuple[str, str] | None:
    """(absolute path, fragment) of a link into the site, or None for another host."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if not (base.netloc and parts.netloc == base.netloc and parts.scheme in ("http", "https")):
            return None
        return parts.path or "/", parts.fragment
    return urlsplit(urljoin(here, link)).path, parts.fragment


def _resolves(site: Path, root: str, ids: dict[str, set[str]], path: str, fragment: str) -> bool:
    if not (path + "/").startswith(root):
        return False
    relative = unquote(path[len(root) :])
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    elif (site / relative).is_dir():
        relative += "/index.html"
    if not (site / relative).is_file():
        return False
    return not fragment or fragment in ids.get(relative, set())


def site_problems(site: Path, site_url: str, skip: frozenset[str] = frozenset()) -> list[str]:
    lines: list[str] = []
    for title, check in SITE_CHECKS.items():
        if title in skip:
            continue
        found = check(site, site_url)
        if found:
            lines += [f"{title}:", *found]
    return lines


def stage(config: str | Path, site: Path, *, dry_run: bool = False) -> str:
    """Build with ``config`` into ``site`` and run every check; PublishError lists what failed.

    A real publish needs every check. A dry run without the Nu HTML Checker (Java) runs
    the others, and returns what it skipped and how to install it ("" when nothing).
    """
    settings = load_settings(config, {"OUTPUT_PATH": str(site)})
    try:
        build(settings)
    except ContentError as error:
        raise PublishError(f"{error}\nNothing was published: fix the problems above.") from None
    except BuildFailed as error:
        raise PublishError(f"Build failed: {error}\nNothing was published.") from None
    missing = html_checker_missing()
    skip = frozenset({HTML_CHECK} if missing else ())
    problems = site_problems(site, absolute_site_url(settings), skip)
    if missing and not dry_run:
        # Its own line, not under the invalid-HTML heading: no page was checked.
        problems.append(
            f"Not checked: {missing}. A real publish checks every page with it; "
            "`invoke publish --dry-run` runs the other checks without it."
        )
    if problems:
        raise PublishError("\n".join(problems) + "\nNothing was published: fix the problems above.")
    if not missing:
        return ""
    return f"Skipped the HTML check: {missing}. A real publish runs it, and stops without it."


def publish(
    config: str | Path,
    *,
    kind: str = "",
    dry_run: bool = False,
    push: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Stage, check and deploy the site to ``kind`` or the configured target."""
    with tempfile.TemporaryDirectory(prefix="hearth-publish-") as scratch:
        site = Path(scratch, "site")
        target = publish_target(load_settings(config), kind)
        # Before building: a target that cannot work should not cost a build to find out.
        ready_to_deploy(target, push=push, dry_run=dry_run)
        skipped = stage(config, site, dry_run=dry_run)
        pages = sum(1 for _ in site.rglob("*.html"))
        checked = "ran the other checks" if skipped else "checked it"
        say(f"Built the site with {config} and {checked}: {pages} pages, no problems.")
        if skipped:
            say(skipped)
        if dry_run:
            plan = deploy_plan(target, site, push=push)
            say(f"Dry run: nothing was deployed. Publishing would {plan}")
            return
        say(deploy(target, site, push=push))


def ready_to_deploy(target: Target, *, push: bool = False, dry_run: bool = False) -> None:
    if target.kind == "folder":
        _check_folder(Path(target.destination).absolute())
    elif target.kind == "rsync" and not dry_run and shutil.which("rsync") is None:
        raise PublishError(
            "rsync is not installed: install it (apt-get install rsync, or brew install rsync), "
            'or choose another target in HEARTH_PUBLISH["target"]'
        )
    elif target.kind == "gh-pages":
        _check_repository(target.destination, push)


def deploy_plan(target: Target, site: Path, *, push: bool = False) -> str:
    """What deploying ``site`` would do, for a dry run."""
    if target.kind == "rsync":
        return f"run: {shlex.join(rsync_command(site, target.destination))}"
    if target.kind == "gh-pages":
        plan = f"run: {shlex.join(ghp_import_command(site, target.destination))}"
        return plan + (f" && git push origin {target.destination}" if push else "")
    return f"replace {Path(target.destination).absolute()} with the checked site, in one step"


def deploy(target: Target, site: Path, *, push: bool = False, swap: Swap | None = None) -> str:
    """Put the checked ``site`` in place; ``swap`` is the folder target's (the system's)."""
    if target.kind == "folder":
        folder = Path(target.destination).absolute()
        _deploy_folder(site, folder, swap)
        return f"Published to {folder}/"
    if target.kind == "rsync":
        deploy_rsync(site, target.destination)
        return f"Published to {target.destination} with rsync."
    deploy_gh_pages(site, target.destination, push=push)
    if push:
        return f"Published to branch {target.destination} and pushed it to origin."
    return (
        f"Committed the site to branch {target.destination}. Publish it with "
        f"`git push origin {target.destination}`, or run `invoke gh-pages --push` next time."
    )


def _deploy_folder(site: Path, folder: Path, swap: Swap | None) -> None:
    try:
        deploy_folder(site, folder, swap=swap)
    except SwapUnavailable:
        raise PublishError(
            f"Could not publish to {folder}, which is as it was: this system or its file "
            f"system cannot swap two folders in one step, and publishing never leaves the "
            f"folder missing or half-written. Instead, {swap_advice(folder)}"
        ) from None
    except OSError as error:
        raise PublishError(
            f"Could not publish to {folder}, which is as it was: {error}. A folder that cannot "
            "be renamed (a mount point) can be updated in place by the rsync target instead"
        ) from None


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise PublishError(f'{folder} is a file: point HEARTH_PUBLISH["folder"] at a folder')
    if Path.cwd().resolve().is_relative_to(folder.resolve()):
        raise PublishError(
            f"{folder} holds this project, and publishing replaces the folder whole: "
            'point HEARTH_PUBLISH["folder"] at the folder your web server serves'
        )
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "index.html").is_file():
        raise PublishError(
            f"{folder} is not empty and has no index.html, so it does not look like a published "
            "site, and publishing replaces the folder whole: empty it, or choose another folder"
        )


def rsync_command(site: Path, destination: str) -> list[str]:
    # Delayed updates and deletions: nothing changes on the server until every file arrived.
    return ["rsync", "-az", "--delete-delay", "--delay-updates", f"{site}/", destination]


def deploy_rsync(site: Path, destination: str) -> None:
    code = subprocess.run(rsync_command(site, destination), check=False).returncode
    if code:
        raise PublishError(
            f"rsync failed with exit code {code} (its message is above); it moves files into "
            f"place only once all of them arrived, so {destination} keeps the previous site"
        )


def ghp_import_command(site: Path, branch: str) -> list[str]:
    # ghp-import writes the commit with git fast-import: the working tree is never touched.
    command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--branch", branch]
    return [*command, "--message", _commit_message(), str(site)]


def deploy_gh_pages(site: Path, branch: str, *, push: bool = False) -> None:
    """Commit ``site`` onto ``branch`` with ghp-import, then push it to origin if asked."""
    before = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    result = subprocess.run(
        ghp_import_command(site, branch), capture_output=True, text=True, check=False
    )
    after = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    if result.returncode or after == before:
        output = (result.stdout + result.stderr).strip()
        raise PublishError(f"ghp-import could not commit the site to branch {branch}: {output}")
    # Pushed here rather than with ghp-import's --push, whose failures end in a traceback.
    if push:
        pushed = subprocess.run(
            ["git", "push", "origin", branch], capture_output=True, text=True, check=False
        )
        if pushed.returncode:
            raise PublishError(
                f"The site is committed to branch {branch}, but pushing it to origin failed: "
                f"{pushed.stderr.strip()}\nPush it with `git push origin {branch}` once fixed."
            )


def _check_repository(branch: str, push: bool) -> None:
    if _git("rev-parse", "--git-dir") is None:
        raise PublishError(
            "The gh-pages target commits to a branch of this project's git repository, but "
            f"{Path.cwd()} is not in one: run it in your clone of the project"
        )
    if _git("symbolic-ref", "--quiet", "--short", "HEAD") == branch:
        raise PublishError(
            f"You are on branch {branch}, which publishing replaces: switch to your main "
            "branch first (git switch main)"
        )
    if not (_git("config", "user.email") or os.environ.get("GIT_COMMITTER_EMAIL")):
        raise PublishError(
            "git does not know who commits: set git config user.name and user.email first"
        )
    if push and _git("remote", "get-url", "origin") is None:
        raise PublishError("--push pushes to the remote named origin, and there is none")
    if importlib.util.find_spec("ghp_import") is None:
        raise PublishError(
            "ghp-import is not installed: pip install -c constraints.txt -e '.[dev]'"
        )


def _commit_message() -> str:
    source = _git("rev-parse", "--short", "HEAD")
    return f"Publish the site from {source}" if source else "Publish the site"


def _git(*args: str) -> str | None:
    """Git's answer, or None when it fails (not a repository, no such ref ...)."""
    try:
        result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None
