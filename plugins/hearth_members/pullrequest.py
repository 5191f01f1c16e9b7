"""Check a member's pull request against its base: own file only, others' links kept, a rate limit.

``invoke check`` says whether the content is valid; this says whether *this author* may
make *this change*. It compares the merge-base of the base and HEAD with the HEAD commit,
so the verdict is the same on a laptop and in CI, where HEAD is GitHub's merge commit.

The check runs the pull request's own code, so it catches mistakes, not someone who edits
the check itself: moderators still look at the list of changed files before merging.
"""

from __future__ import annotations

import ast
import datetime
import re
import subprocess
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from hearth_core.problems import Problem, problem
from hearth_members.model import Link, Member
from hearth_members.site import DEFAULTS, member_options, site_today
from hearth_members.urls import normalize_url
from hearth_members.validate import parse_member
from hearth_site.check import check_content

# A GitHub login, and "[bot]" for apps such as dependabot: they get the same answers.
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$")
WEEK = datetime.timedelta(days=7)
STATUS = {"A": "added", "M": "modified", "D": "deleted", "T": "modified"}
# What a reader sees of a link; its line and position move whenever the file above is edited.
LINK_FIELDS = ("url", "title", "date", "note", "tags", "discussion")


class PullRequestError(Exception):
    """The change cannot be checked at all (no git, unknown base); the message says what to do."""


class _AnyTag(Collection[str]):
    """Accepts every tag: a base file is only read for its links, never judged again."""

    def __contains__(self, tag: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class LinkChanges:
    """How one member file's links differ between base and HEAD, matched by normalised URL."""

    added: tuple[Link, ...] = ()
    changed: tuple[tuple[Link, Link], ...] = ()  # (at base, at HEAD)
    removed: tuple[Link, ...] = ()


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; raise PullRequestError with git's own message when it fails."""
    result = _run(repo, args)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise PullRequestError(f"git {' '.join(args)} failed: {detail}")
    return result.stdout.decode("utf-8", "replace")


def _run(repo: Path, args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    # Bytes, not text: a member file that is not UTF-8 is a problem to report, not a crash.
    try:
        return subprocess.run(["git", *args], cwd=repo, check=False, capture_output=True)
    except FileNotFoundError:
        raise PullRequestError("git is not installed: install it to check a pull request") from None


def _exists(repo: Path, revision: str) -> bool:
    return _run(repo, ["rev-parse", "--verify", "--quiet", revision]).returncode == 0


def repository_root(repo: Path) -> Path:
    """The top folder of the git repository ``repo`` is in: git names paths from there."""
    result = _run(repo, ["rev-parse", "--show-toplevel"])
    if result.returncode != 0:
        raise PullRequestError(
            f"{repo} is not in a git repository: run check-pr in a clone of the site's repository"
        )
    return Path(result.stdout.decode().strip())


def resolve_base(repo: Path, base: str | None) -> str:
    """``base``, or ``origin/main`` when it exists, else ``main``; it must name a commit."""
    if base is None:
        base = "origin/main" if _exists(repo, "origin/main^{commit}") else "main"
        if base == "main" and not _exists(repo, "main^{commit}"):
            base = "origin/main"
    if base.startswith("-") or not _exists(repo, f"{base}^{{commit}}"):
        remote, _, branch = base.partition("/")
        fix = (
            f"fetch it (git fetch {remote} {branch}) or pass --base"
            if remote == "origin" and branch
            else "check the name (git branch -a lists them) or pass --base"
        )
        raise PullRequestError(f"base ref {base!r} not found: {fix}")
    return base


def merge_base(repo: Path, base: str, head: str = "HEAD") -> str:
    """Where the pull request branched off: changes made on the base since then are not its own."""
    result = _run(repo, ["merge-base", base, head])
    if result.returncode != 0:
        raise PullRequestError(
            f"{base} and {head} share no history: fetch the full history (git fetch --unshallow);"
            " in GitHub Actions, check out with fetch-depth: 0"
        )
    return result.stdout.decode().strip()


def changed_paths(repo: Path, base: str, head: str) -> dict[str, str]:
    """Each path that differs from ``base`` to ``head``: "added", "modified" or "deleted".

    Renames count as a deletion and an addition: moving someone's file is changing it.
    """
    output = git(repo, "diff", "--name-status", "--no-renames", "-z", base, head, "--")
    fields = output.split("\0")
    return {
        path: STATUS.get(status[:1], "modified")
        for status, path in zip(fields[0::2], fields[1::2], strict=False)
        if path
    }


def file_at(repo: Path, revision: str, path: str) -> bytes | None:
    """The file's bytes at ``revision``, or None where it does not exist there."""
    if _run(repo, ["cat-file", "-e", f"{revision}:{path}"]).returncode != 0:
        return None
    result = _run(repo, ["show", f"{revision}:{path}"])
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise PullRequestError(f"cannot read {path} at {revision}: {detail}")
    return result.stdout


def uncommitted_paths(repo: Path) -> list[str]:
    """Changed or new files not yet committed: ``check-pr`` does not see them."""
    output = git(repo, "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all")
    return sorted(entry[3:] for entry in output.split("\0") if len(entry) > 3)


def moderators_at(repo: Path, revision: str, config: str) -> list[str] | None:
    """The moderators the base's settings name, read without running them.

    Who may change what is decided by the base: a pull request that adds its author
    to the moderators must not let them through. None when the file does not say it
    in plain literals, and the caller falls back to the current settings.
    """
    data = file_at(repo, revision, config)
    if data is None:
        return None
    try:
        tree = ast.parse(data)
    except SyntaxError:
        return None
    options: Any = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "HEARTH_MEMBERS" for t in targets):
            try:
                options = ast.literal_eval(value)
            except (ValueError, TypeError):
                return None
    if not isinstance(options, dict):
        return None
    moderators = options.get("moderators", DEFAULTS["moderators"])
    if not isinstance(moderators, list | tuple) or not all(isinstance(m, str) for m in moderators):
        return None
    return list(moderators)


def permission_problems(
    changes: Mapping[str, str] | Iterable[str],
    author: str,
    moderators: Collection[str],
    *,
    members_dir: str = "content/members",
) -> list[Problem | str]:
    """What ``author`` changed but may not: anything but their own member file, unless a moderator.

    ``changes`` maps each path to "added", "modified" or "deleted" (a plain list counts
    as modified). Paths are relative to the repository, as git names them.
    """
    if _is_moderator(author, moderators):
        return []
    statuses = changes if isinstance(changes, Mapping) else dict.fromkeys(changes, "modified")
    own = f"{members_dir}/{author.lower()}.yml"
    who = _moderators_text(moderators)
    problems: list[Problem | str] = []
    for path, status in sorted(statuses.items()):
        if path == own:
            continue
        folder, name = str(PurePosixPath(path).parent), PurePosixPath(path).name
        if folder != members_dir:
            problems.append(
                f"{path}: only {who} may change files outside {members_dir}/, and {author} "
                f"may change only {own}: move this change to another pull request"
            )
        elif name.lower() == f"{author.lower()}.yml":
            problems.append(
                problem(path, 1, "", f"name your file in lower case: rename it to {own}")
            )
        elif status == "added" and name.endswith(".yml") and not name.startswith("_"):
            problems.append(
                problem(
                    path,
                    1,
                    "",
                    f"adds a file for {name[:-4]}, but this pull request is by {author}: each "
                    f"member adds their own file, named by their GitHub login; rename it to {own}",
                )
            )
        else:
            owner = f"{name[:-4]} or " if name.endswith(".yml") and name[:1] != "_" else ""
            problems.append(
                problem(
                    path,
                    1,
                    "",
                    f"{author} may change only {own}, not this file: undo the change, "
                    f"or ask {owner}{who} to make it",
                )
            )
    return problems


def link_changes(old: Member | None, new: Member | None) -> LinkChanges:
    """Links added, edited or removed, matched by normalised URL (http and https are one link)."""
    before = {normalize_url(link.url): link for link in (old.links if old else ())}
    after = {normalize_url(link.url): link for link in (new.links if new else ())}
    return LinkChanges(
        added=tuple(link for key, link in after.items() if key not in before),
        changed=tuple(
            (before[key], link)
            for key, link in after.items()
            if key in before and _edited_field(before[key], link)
        ),
        removed=tuple(link for key, link in before.items() if key not in after),
    )


def _edited_field(old: Link, new: Link) -> str | None:
    return next((name for name in LINK_FIELDS if getattr(old, name) != getattr(new, name)), None)


def others_link_problems(
    path: Path, changes: LinkChanges, owner: str, author: str, moderators: Collection[str]
) -> list[Problem]:
    """Links of another member that ``author`` edited or removed: only owners and moderators may."""
    if owner.lower() == author.lower() or _is_moderator(author, moderators):
        return []
    who = f"only {owner} or {_moderators_text(moderators)} may"
    problems = [
        problem(
            path,
            new.line_of(field),
            new.field_path(field),
            f"{author} changed {owner}'s link {new.url}: {who} edit it; undo the change",
        )
        for old, new in changes.changed
        if (field := _edited_field(old, new) or "url")
    ]
    problems += [
        problem(
            path,
            1,
            "links",
            f"{author} removed {owner}'s link {old.url} ({old.date.isoformat()}): "
            f"{who} remove it; put it back",
        )
        for old in changes.removed
    ]
    return problems


def rate_problems(member: Member, new_links: Iterable[Link], limit: int) -> list[Problem]:
    """Seven-day windows where the new links take ``member`` over ``limit`` links.

    Windows count every link of the member by its date, old and new, but only a
    window with a new link in it is this pull request's doing. Each crowded stretch
    is reported once, on its first new link.
    """
    new = {normalize_url(link.url) for link in new_links}
    links = sorted(member.links, key=lambda link: (link.date, link.index))
    problems = []
    reported_until: datetime.date | None = None
    for start in links:
        if reported_until is not None and start.date < reported_until:
            continue
        window = [link for link in links if start.date <= link.date < start.date + WEEK]
        added = [link for link in window if normalize_url(link.url) in new]
        if len(window) <= limit or not added:
            continue
        first = min(added, key=lambda link: link.line)
        dates = ", ".join(link.date.isoformat() for link in window)
        keep = min(len(window) - limit, len(added))
        problems.append(
            problem(
                member.source,
                first.line,
                f"links[{first.index}]",
                f"{len(window)} links dated within 7 days ({dates}), over the limit of {limit} "
                f"in any 7 days: remove {keep} of the new ones and share "
                f"{'it' if keep == 1 else 'them'} in a later week",
            )
        )
        reported_until = start.date + WEEK
    return problems


def check_pull_request(
    repo: Path,
    settings: dict[str, Any],
    author: str,
    base: str | None = None,
    *,
    config: str = "pelicanconf.py",
    today: datetime.date | None = None,
) -> list[Problem | str]:
    """Every problem with the change from the merge-base of ``base`` and HEAD to HEAD.

    Repository-level problems (plain strings) come first, then file problems by file
    and line. ``config`` is the settings file, relative to ``repo``.
    """
    if not LOGIN.match(author):
        raise PullRequestError(
            f"--author {author!r} is not a GitHub login: pass the pull request author's "
            "login, like --author ada-lovelace"
        )
    root = repository_root(repo)
    options = member_options(settings)
    members_dir = _relative(root, Path(settings["PATH"], options["path"]))
    start = merge_base(repo, resolve_base(repo, base))
    moderators = moderators_at(repo, start, _relative(root, repo / config))
    if moderators is None:
        moderators = options["moderators"]
    changes = changed_paths(repo, start, "HEAD")
    problems: list[Problem | str] = [
        p if isinstance(p, str) else problem(root / p.path, p.line, p.field, p.message)
        for p in permission_problems(changes, author, moderators, members_dir=members_dir)
    ]
    today = today or site_today(settings)
    for path in changes:
        parent, name = str(PurePosixPath(path).parent), PurePosixPath(path).name
        if parent == members_dir and name.endswith(".yml") and not name.startswith(("_", ".")):
            problems += _member_file_problems(
                repo, root / path, path, start, author, moderators, options, today
            )
    problems += check_content(settings)
    return sorted({p for p in problems if isinstance(p, str)}) + sorted(
        {p for p in problems if isinstance(p, Problem)}
    )


def _member_file_problems(
    repo: Path,
    source: Path,
    path: str,
    start: str,
    author: str,
    moderators: Collection[str],
    options: dict[str, Any],
    today: datetime.date,
) -> list[Problem]:
    old, _ = _parse(source, file_at(repo, start, path), _AnyTag(), datetime.date.max)
    new, problems = _parse(source, file_at(repo, "HEAD", path), options["tags"], today)
    if problems:
        # Its links cannot be compared; the problems already fail the pull request.
        return problems
    changes = link_changes(old, new)
    problems = others_link_problems(source, changes, source.stem, author, moderators)
    if new is not None:
        problems += rate_problems(new, changes.added, options["weekly_link_limit"])
    return problems


def _parse(
    source: Path, data: bytes | None, vocabulary: Collection[str], today: datetime.date
) -> tuple[Member | None, list[Problem]]:
    if data is None:
        return None, []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [problem(source, 1, "", "is not UTF-8 text: save it as UTF-8")]
    return parse_member(source, text, vocabulary, today)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise PullRequestError(f"{path} is outside the repository {root}") from None


def _is_moderator(author: str, moderators: Collection[str]) -> bool:
    return author.lower() in {moderator.lower() for moderator in moderators}


def _moderators_text(moderators: Collection[str]) -> str:
    return f"a moderator ({', '.join(moderators)})" if moderators else "a moderator"
