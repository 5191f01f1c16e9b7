"""Check a member's pull request against its base: own file only, others' links kept, a rate limit.

``invoke check`` says whether the content is valid; this says whether *this author* may
make *this change*. It compares the merge-base of the base and the head with the head
commit, so the verdict is the same on a laptop and in CI, where HEAD is GitHub's merge commit.

Two ways to run it:

- in CI, on a checkout of the pull request (``head`` is HEAD): that runs the pull
  request's own code, without secrets, so it catches mistakes, not someone who edits
  the check itself;
- on a moderator's machine, from a checkout of main, with ``head`` naming the pull
  request's commit (``invoke check-pr --pr REF``): the pull request's files are then only
  read from git as data (``git diff``, ``git ls-tree``, ``git cat-file``), never imported,
  run or unpickled, and the settings are main's own.
"""

from __future__ import annotations

import ast
import datetime
import re
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from hearth_core.errors import HearthError
from hearth_core.problems import Problem, display_path, problem
from hearth_issues.model import Issue
from hearth_issues.source import parse_issue
from hearth_members.model import Link, Member
from hearth_members.past import (
    backdated_problem,
    by_date,
    crowded_weeks,
    is_backdated,
    newest_published,
    site_now,
    week_problem,
)
from hearth_members.site import DEFAULTS, member_options, site_today
from hearth_members.urls import normalize_url
from hearth_members.validate import parse_member

# What ``invoke check`` does on a folder of content: passed in by tasks.py, which
# owns the whole site, so this package imports nothing above it.
ContentCheck = Callable[[dict[str, Any]], list[Problem]]

# A GitHub login, and "[bot]" for apps such as dependabot: they get the same answers.
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$")
# The line in each commit of a bot's pull request that names the member it is for: the
# Share a link workflow writes it (.github/workflows/share-a-link.yml).
SHARED_BY = "Shared-by"
STATUS = {"A": "added", "M": "modified", "D": "deleted", "T": "modified"}
# Git's modes for a file and an executable file; a symbolic link (120000) or a
# submodule (160000) is never content.
REGULAR_FILES = ("100644", "100755")
# No content file comes near this; a larger one is refused before it is read.
LARGEST_FILE = 8 * 1024 * 1024
# What a reader sees of a link; its line and position move whenever the file above is edited.
LINK_FIELDS = ("url", "title", "date", "note", "tags", "discussion")


class PullRequestError(HearthError):
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


def _contains(repo: Path, descendant: str, commit: str) -> bool:
    """Whether ``commit`` is in the history of ``descendant``."""
    return _run(repo, ["merge-base", "--is-ancestor", commit, descendant]).returncode == 0


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


def own_link_problems(
    path: Path, changes: LinkChanges, author: str, moderators: Collection[str]
) -> list[Problem]:
    """Dates and addresses of links already shared: issues and the weekly limit go by
    them, so only a moderator may change them, in anyone's file."""
    if _is_moderator(author, moderators):
        return []
    who = f"only {_moderators_text(moderators)} may"
    problems = [
        problem(
            path,
            new.line_of("date"),
            new.field_path("date"),
            f"changes the date of {new.url} from {old.date.isoformat()} to "
            f"{new.date.isoformat()}: {who} change the date of a link already shared; "
            f"put {old.date.isoformat()} back",
        )
        for old, new in changes.changed
        if old.date != new.date
    ]
    removed = {(link.title, link.date): link for link in changes.removed}
    problems += [
        problem(
            path,
            new.line_of("url"),
            new.field_path("url"),
            f"changes the address of {new.title!r} ({new.date.isoformat()}) from {old.url} to "
            f"{new.url}: {who} change the address of a link already shared; put it back, "
            "or share the new address as a new link, dated the day you share it",
        )
        for new in changes.added
        if (old := removed.get((new.title, new.date))) is not None
    ]
    return problems


def rate_problems(member: Member, new_links: Iterable[Link], limit: int) -> list[Problem]:
    """Seven-day stretches where the new links take ``member`` over ``limit`` links.

    Stretches count every link of the member by its date, old and new, but only a
    stretch with a new link in it is this pull request's doing. They are the very
    problems ``invoke check`` reports for them (``past.weekly_limit_problems``).
    """
    new = {normalize_url(link.url) for link in new_links}
    links = by_date(member)
    # How many new links come before each position: one subtraction says whether a
    # stretch holds one, instead of a pass over it.
    before = [0]
    for link in links:
        before.append(before[-1] + (normalize_url(link.url) in new))
    return [
        week_problem(links, first, end, limit)
        for first, end in crowded_weeks([link.date for link in links], limit)
        if before[end] > before[first]
    ]


def backdated_problems(changes: LinkChanges, newest: Issue | None) -> list[Problem]:
    """New links dated up to the newest published issue would appear in issues already out."""
    if newest is None:
        return []
    return [backdated_problem(link, newest) for link in changes.added if is_backdated(link, newest)]


@dataclass(frozen=True)
class _Change:
    """What one check of a pull request compares, and by whom."""

    repo: Path
    root: Path
    start: str
    head: str
    author: str
    moderators: Collection[str]
    options: dict[str, Any]
    today: datetime.date
    newest: Issue | None


def check_pull_request(
    repo: Path,
    settings: dict[str, Any],
    author: str,
    base: str | None = None,
    *,
    check_content: ContentCheck,
    pr: str | None = None,
    config: str = "pelicanconf.py",
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[Problem | str]:
    """Every problem with the change from the merge-base of ``base`` and the head to the head.

    The head is HEAD, whose files are checked as they are in the working tree, or
    ``pr``, a commit whose files are read from git only (see the module's text), with
    the moderators and every other setting from ``settings``, the checkout's own.
    Repository-level problems (plain strings) come first, then file problems by file
    and line. ``config`` is the settings file, relative to ``repo``.
    """
    if not LOGIN.fullmatch(author):
        raise PullRequestError(
            f"--author {author!r} is not a GitHub login: pass the pull request author's "
            "login, like --author ada-lovelace"
        )
    root = repository_root(repo)
    options = member_options(settings)
    content_dir = _relative(root, Path(settings["PATH"]))
    members_dir = _relative(root, Path(settings["PATH"], options["path"]))
    head = "HEAD" if pr is None else resolve_commit(repo, pr)
    base = resolve_base(repo, base)
    if pr is not None and _contains(repo, "HEAD", head) and not _contains(repo, base, head):
        raise PullRequestError(
            f"this checkout holds the commits of {pr}, so its code is what runs here: "
            f"switch to {base.removeprefix('origin/')} (git switch main), then run check-pr "
            "--pr again"
        )
    start = merge_base(repo, base, head)
    if pr is None:
        # HEAD's settings are the pull request's own: who moderates is read from the base.
        moderators = moderators_at(repo, start, _relative(root, repo / config))
        if moderators is None:
            moderators = options["moderators"]
    else:
        moderators = options["moderators"]
    refused: list[Problem | str] = []
    if is_bot(author):
        member, refused = recorded_member(repo, start, head, author)
        if member is not None:
            # A bot acts for one member, on that member's file only: never as a moderator.
            author = member
            moderators = [m for m in moderators if m.lower() != member.lower()]
    now = now or site_now(settings.get("TIMEZONE"))
    issues_dir = _relative(root, Path(settings["PATH"], settings["ARTICLE_PATHS"][0]))
    change = _Change(
        repo=repo,
        root=root,
        start=start,
        head=head,
        author=author,
        moderators=moderators,
        options=options,
        today=today or site_today(settings),
        # The issues the change merges into: out since the branch was made counts too.
        newest=newest_published(issues_at(repo, root, base, issues_dir), now),
    )
    changes = {} if refused else changed_paths(repo, start, head)
    problems: list[Problem | str] = [*refused]
    problems += [
        p if isinstance(p, str) else problem(root / p.path, p.line, p.field, p.message)
        for p in permission_problems(changes, author, moderators, members_dir=members_dir)
    ]
    for path, status in changes.items():
        parent, name = str(PurePosixPath(path).parent), PurePosixPath(path).name
        if parent == members_dir and name.endswith(".yml") and not name.startswith(("_", ".")):
            problems += _member_file_problems(change, path, status)
    if pr is None:
        problems += check_content(settings)
    else:
        problems += _content_problems_at(change, settings, content_dir, check_content)
    return _in_order(problems)


def _in_order(problems: Iterable[Problem | str]) -> list[Problem | str]:
    # Repository-level problems (plain strings) first, then file problems by file and line.
    return sorted({p for p in problems if isinstance(p, str)}) + sorted(
        {p for p in problems if isinstance(p, Problem)}
    )


def is_bot(login: str) -> bool:
    """An app's account, such as github-actions[bot]: it opens pull requests for others."""
    return login.lower().endswith("[bot]")


def recorded_member(
    repo: Path, start: str, head: str, bot: str
) -> tuple[str | None, list[Problem | str]]:
    """The member a bot's pull request is for: the one login every commit of it names
    in a ``Shared-by:`` line, or None and why the pull request is refused.

    A person's pull request is always checked as its author's, whatever its commits
    say: only a bot's, which GitHub shows as opened by the bot, is checked as the
    member's it records (the Share a link workflow opens them for members).
    """
    output = git(
        repo,
        "log",
        "--no-merges",
        f"--format=%H%x00%(trailers:key={SHARED_BY},valueonly,unfold,separator=%x00)%x1e",
        f"{start}..{head}",
        "--",
    )
    named: dict[str, set[str]] = {}
    for entry in output.split("\x1e"):
        commit, *values = entry.strip("\n").split("\0")
        if commit:
            named[commit] = {value.strip() for value in values if value.strip()}
    how = (
        f"{bot} opened this pull request, so it is checked as the member its commits name "
        f"in a '{SHARED_BY}: <login>' line, as the Share a link workflow writes it"
    )
    for commit, found in named.items():
        if len(found) != 1:
            names = "no member" if not found else "several members"
            return None, [
                f"{how}, but commit {commit[:12]} names {names}: refuse this pull request; "
                "the member can share the link again"
            ]
    logins = {login.lower(): login for found in named.values() for login in found}
    if not logins:
        return None, [f"{how}, but it has no commits: close it"]
    if len(logins) > 1:
        listed = ", ".join(sorted(logins.values()))
        return None, [f"{how}, but its commits name several members ({listed}): refuse it"]
    member = next(iter(logins.values()))
    if not LOGIN.fullmatch(member) or is_bot(member):
        return None, [f"{how}, but {member[:60]!r} is not a member's login: refuse it"]
    return member, []


def resolve_commit(repo: Path, ref: str) -> str:
    """The commit ``ref`` names now: the check reads that one, whatever the branch does next."""
    revision = f"{ref}^{{commit}}"
    result = _run(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision])
    if ref.startswith("-") or result.returncode != 0:
        raise PullRequestError(
            f"--pr {ref!r} names no commit: fetch the pull request first, like "
            "git fetch origin pull/12/head:pr-12, then pass --pr pr-12"
        )
    return result.stdout.decode().strip()


def tree_files(repo: Path, revision: str, folder: str) -> list[tuple[str, str, int, str]]:
    """(mode, object, size, path) of every entry under ``folder`` at ``revision``."""
    output = git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", revision, "--", folder)
    entries = []
    for entry in output.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, _kind, obj, size = meta.split()
        entries.append((mode, obj, int(size) if size.isdigit() else 0, path))
    return entries


def read_blobs(repo: Path, objects: Sequence[str]) -> list[bytes]:
    """The bytes of each object, in order, from one ``git cat-file --batch``."""
    if not objects:
        return []
    try:
        result = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=repo,
            input="".join(f"{obj}\n" for obj in objects).encode(),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise PullRequestError("git is not installed: install it to check a pull request") from None
    data, position, blobs = result.stdout, 0, []
    for obj in objects:
        newline = data.find(b"\n", position)
        header = data[position:newline].split() if newline >= 0 else []
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            raise PullRequestError(f"git cat-file could not read {obj}: is the clone complete?")
        size = int(header[2])
        blobs.append(data[newline + 1 : newline + 1 + size])
        position = newline + 1 + size + 1
    return blobs


def issues_at(repo: Path, root: Path, revision: str, folder: str) -> list[Issue]:
    """The valid issues at ``revision``, parsed from git as text: their dates say which
    issues are out. Invalid ones are for ``invoke check`` to report."""
    entries = [
        entry
        for entry in tree_files(repo, revision, folder)
        if entry[0] in REGULAR_FILES and entry[2] <= LARGEST_FILE and entry[3].endswith(".md")
    ]
    issues = []
    for (_mode, _obj, _size, path), data in zip(
        entries, read_blobs(repo, [entry[1] for entry in entries]), strict=True
    ):
        try:
            issue = parse_issue(root / path, data.decode("utf-8"))[0]
        except (UnicodeDecodeError, ValueError):
            continue
        if issue is not None:
            issues.append(issue)
    return issues


def _content_problems_at(
    change: _Change, settings: dict[str, Any], content_dir: str, check_content: ContentCheck
) -> list[Problem | str]:
    """``invoke check`` on the content of the head, copied out of git into a folder of
    its own: only files, as data; nothing stored by an earlier run is read."""
    problems: list[Problem | str] = []
    with tempfile.TemporaryDirectory(prefix="hearth-check-pr-") as folder:
        copy = Path(folder)
        wanted = []
        for mode, obj, size, path in tree_files(change.repo, change.head, content_dir):
            if not _plain_path(path):
                # Only a tree made by hand holds these: git never writes one.
                problems.append(f"{path!r}: not a path git writes; refuse this pull request")
            elif mode not in REGULAR_FILES:
                problems.append(problem(change.root / path, 1, "", _NOT_A_FILE))
            elif size > LARGEST_FILE:
                problems.append(problem(change.root / path, 1, "", _TOO_LARGE))
            else:
                wanted.append((obj, path))
        for (_obj, path), data in zip(
            wanted, read_blobs(change.repo, [obj for obj, _ in wanted]), strict=True
        ):
            target = copy / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (copy / content_dir).mkdir(parents=True, exist_ok=True)
        at_head = {**settings, "PATH": str(copy / content_dir), "CACHE_PATH": ""}
        for found in check_content(at_head):
            problems.append(moved_problem(found, copy, change.root))
    return problems


def _plain_path(path: str) -> bool:
    """No empty, ``.`` or ``..`` part: the copy stays inside its folder."""
    return not any(part in ("", ".", "..") for part in path.split("/"))


_NOT_A_FILE = "is a symbolic link or a submodule, not a file: commit the file itself"
_TOO_LARGE = f"is over {LARGEST_FILE // 2**20} MB: no content file is this large; remove it"


def moved_problem(found: Problem, copy: Path, root: Path) -> Problem:
    """A problem in the copy ``copy`` of ``root``, named by the original's paths, in
    its message too ("was already shared by ana in content/members/ana.yml:3")."""
    message = found.message
    named = display_path(root / "_")[:-1]  # "" for the working folder, else "content/"
    for folder in dict.fromkeys((str(copy), str(copy.resolve()))):
        message = message.replace(f"{folder}/", named)
    try:
        relative = Path(found.path).resolve().relative_to(copy.resolve())
    except ValueError:
        return Problem(found.path, found.line, found.field, message)
    return Problem(display_path(root / relative), found.line, found.field, message)


def _member_file_problems(change: _Change, path: str, status: str) -> list[Problem]:
    source = change.root / path
    if status != "deleted":
        entry = tree_files(change.repo, change.head, path)
        if entry and entry[0][0] not in REGULAR_FILES:
            return [problem(source, 1, "", _NOT_A_FILE)]
        if entry and entry[0][2] > LARGEST_FILE:
            return [problem(source, 1, "", _TOO_LARGE)]  # not read at all
    old, _ = _parse(source, file_at(change.repo, change.start, path), _AnyTag(), datetime.date.max)
    new, problems = _parse(
        source, file_at(change.repo, change.head, path), change.options["tags"], change.today
    )
    if problems:
        # Its links cannot be compared; the problems already fail the pull request.
        return problems
    changes = link_changes(old, new)
    author, moderators = change.author, change.moderators
    problems = others_link_problems(source, changes, source.stem, author, moderators)
    problems += own_link_problems(source, changes, author, moderators)
    problems += backdated_problems(changes, change.newest)
    if new is not None:
        problems += rate_problems(new, changes.added, change.options["weekly_link_limit"])
    return problems


def _parse(
    source: Path, data: bytes | None, vocabulary: Collection[str], today: datetime.date
) -> tuple[Member | None, list[Problem]]:
    if data is None:
        return None, []
    if len(data) > LARGEST_FILE:
        return None, [problem(source, 1, "", _TOO_LARGE)]
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
