"""``invoke import-archive``: the posts of an archive as numbered issues, once each.

Each post is planned first (its number, file and old path), so a link from one post to
another finds its new issue; then each is converted, its images brought home, and
written with its record in the state file, one post at a time: a post that fails
leaves the others, and a second run finds every written post recorded and skips it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from hearth_core.dates import check_day
from hearth_core.files import MAX_TEXT_BYTES, replace_if_changed, write_atomically
from hearth_core.headers import KEY_LINE, MAX_NESTING_PREFIX
from hearth_core.json_limits import loads_bounded
from hearth_core.problems import display_path
from hearth_core.text import FORBIDDEN
from hearth_core.topics import topic_slug
from hearth_import.convert import convert, old_link_rewriter, scripting_markup
from hearth_import.fetch import Fetcher
from hearth_import.images import ImagePlan, Missing, fetch_images, plan_images
from hearth_import.model import Archive, ImportFailed, Post
from hearth_issues.bodies import markdown_renderer
from hearth_issues.collect import load_issues
from hearth_issues.newissue import next_number, slugify
from hearth_issues.source import FILE_NAME, issue_file_name, parse_issue, site_zone

STATE_FILE = "imported.json"
REDIRECTS_FILE = "extra/redirects"
MAX_SUMMARY = 1000
TOO_DEEP = re.compile(f"^[ \\t>*+\\-0-9.)]{{{MAX_NESTING_PREFIX + 1},}}", re.MULTILINE)


@dataclass(frozen=True)
class Planned:
    post: Post
    number: int
    path: Path


@dataclass
class Outcome:
    """What a run wrote or would write, and what it could not do."""

    written: list[Path]
    skipped: list[Post]
    problems: list[str]
    missing: list[str]
    fetches: list[str]


@dataclass(frozen=True)
class Places:
    """The folders of one site an import writes to."""

    content: Path
    issues: Path
    images: Path

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Places:
        content = Path(settings["PATH"])
        return cls(content, content / settings["ARTICLE_PATHS"][0], content / "images")

    @property
    def state(self) -> Path:
        return self.content / STATE_FILE

    @property
    def redirects(self) -> Path:
        return self.content / REDIRECTS_FILE


def import_posts(
    archive: Archive,
    settings: Mapping[str, Any],
    fetcher: Fetcher,
    *,
    fmt: str,
    old_hosts: Sequence[str] = (),
    dry_run: bool = False,
    today: datetime | None = None,
) -> Outcome:
    places = Places.of(settings)
    state = read_state(places.state)
    plan, skipped, problems = plan_posts(archive.posts, places, state)
    problems = archive.problems + problems
    issue_links = {
        **{record["old_path"]: _link(record["issue"], places) for record in state.values()},
        **{p.post.old_path: _link(p.path.name, places) for p in plan},
    }
    rewrite = old_link_rewriter(archive.hosts | set(old_hosts), issue_links)
    outcome = Outcome([], skipped, problems, [], [])
    spellings = _tag_spellings(places.issues)
    now = today or datetime.now(site_zone(settings))
    render = _renderer(settings)

    def written_as(planned: Planned, body: str) -> str:
        return issue_text(planned.post, planned.number, body, spellings, now)

    converted = _convert_all(plan, places, rewrite, outcome, render, written_as)
    if len(converted) < len(plan):
        # A link to a post that failed must not point to an issue that is not there.
        for planned in plan:
            if all(planned is not done for done, _body, _images in converted):
                issue_links.pop(planned.post.old_path, None)
        converted = _convert_all(
            [done for done, _b, _i in converted], places, rewrite, outcome, render, written_as
        )
    for planned, body, images in converted:
        if dry_run:
            outcome.written.append(planned.path)
            outcome.fetches += [f"{url} -> {display_path(p)}.*" for url, p in images.files.items()]
            continue
        try:
            _write(planned, body, images, places, fetcher, spellings, now, outcome)
        except OSError as error:
            outcome.problems.append(f"{planned.post.where}: {error}")
            continue
        state[planned.post.key] = _record(planned, fmt)
        write_state(places.state, state)
    if not dry_run:
        replace_if_changed(places.redirects, redirects_text(state, settings))
    return outcome


Converted = tuple[Planned, str, ImagePlan]


def _renderer(settings: Mapping[str, Any]) -> Callable[[str], str]:
    """The site's own Markdown, to see each converted post as its page will show it."""
    markdown = markdown_renderer(dict(settings.get("MARKDOWN") or {}))
    return lambda text: str(markdown.reset().convert(text))


def _convert_all(
    plan: Sequence[Planned],
    places: Places,
    rewrite: Callable[[str], str],
    outcome: Outcome,
    render: Callable[[str], str],
    written_as: Callable[[Planned, str], str],
) -> list[Converted]:
    """Each post's Markdown and the images it would fetch; a post that fails is said,
    as is one whose issue file `invoke check` would refuse (a title of 100,000 letters)."""
    done: list[Converted] = []
    for planned in plan:
        post = planned.post
        # A relative link goes where it went on the old site, unless it was to a post.
        absolute = (
            (lambda href, base=post.url: rewrite(urljoin(base, href))) if post.url else rewrite
        )
        try:
            body, images = plan_images(
                convert(post.html, absolute), post.url, places.images / f"{planned.number:04d}"
            )
            _check_nesting(body)
            _check_inert(body, render)
            _check_issue(planned, written_as(planned, body), len(images.files))
        except (ValueError, RecursionError) as error:
            outcome.problems.append(f"{post.where}: cannot be converted ({error})")
            continue
        done.append((planned, body, images))
    return done


def _check_inert(body: str, render: Callable[[str], str]) -> None:
    """A post whose page would carry script or styling from the export is refused."""
    found = scripting_markup(render(body))
    if found:
        raise ValueError(f"its page would carry {found}: remove it from the post and import again")


# Each image's address may grow when it is brought home ("/images/0016/<name>.webp").
IMAGE_ADDRESS_GROWTH = 100


def _check_issue(planned: Planned, text: str, images: int) -> None:
    """The issue file as `invoke check` will read it: refused here if check would refuse it."""
    size = len(text.encode("utf-8")) + images * IMAGE_ADDRESS_GROWTH
    if size > MAX_TEXT_BYTES:
        raise ValueError(
            f"its issue would be over the limit of {MAX_TEXT_BYTES // 1024} KiB for an issue "
            "file: split the post in the export"
        )
    _issue, problems = parse_issue(planned.path, text)
    if problems:
        found = problems[0]
        said = f"{found.field}: {found.message}" if found.field else found.message
        raise ValueError(f"its issue would not pass `invoke check` ({said}): fix it in the export")


def _check_nesting(body: str) -> None:
    """Python-Markdown recurses once per level of list or quote (hearth_core.headers)."""
    if TOO_DEEP.search(body):
        raise ValueError("its lists or quotes nest too deep for a page: flatten them in the export")


def _write(
    planned: Planned,
    body: str,
    images: ImagePlan,
    places: Places,
    fetcher: Fetcher,
    spellings: dict[str, str],
    now: datetime,
    outcome: Outcome,
) -> None:
    """Bring the images home, then write the issue in one step, never over another file."""
    if planned.path.exists():
        raise OSError(f"{display_path(planned.path)} already exists: move it away first")
    body, missing = fetch_images(body, images, fetcher, places.content)
    text = issue_text(planned.post, planned.number, body, spellings, now)
    write_atomically(planned.path, text.encode("utf-8"))
    outcome.written.append(planned.path)
    outcome.missing += _listed(planned.path, text, missing)


def plan_posts(
    posts: Sequence[Post], places: Places, state: Mapping[str, Any]
) -> tuple[list[Planned], list[Post], list[str]]:
    """Which post becomes which file, oldest first; the posts already imported; problems."""
    issues, _problems = load_issues(places.issues)  # `invoke check` reports theirs
    taken_numbers = {_number_of(record["issue"]) for record in state.values()}
    number = max(next_number(places.issues), max(taken_numbers, default=0) + 1)
    slugs = {issue.slug for issue in issues} | {_slug_of(r["issue"]) for r in state.values()}
    seen = set(state)
    plan: list[Planned] = []
    skipped: list[Post] = []
    problems: list[str] = []
    for post in sorted(posts, key=_oldest_first):
        if post.key in seen:
            skipped.append(post)
            continue
        if post.date is None and not post.draft:
            problems.append(
                f"{post.where}: it has no date: add the date it was published in the export, "
                "then import again (the other posts are imported)"
            )
            continue
        problem = _date_problem(post)
        if problem:
            problems.append(problem)
            continue
        seen.add(post.key)
        slug = slugify(post.slug or post.title)[:60].strip("-") or "untitled"
        if slug in slugs:
            slug = f"{slug}-{number}"
        slugs.add(slug)
        plan.append(Planned(post, number, places.issues / issue_file_name(number, slug)))
        number += 1
    return plan, skipped, problems


def _date_problem(post: Post) -> str:
    """A date `invoke check` would refuse (year 1, 9999) is refused here, by the post."""
    if post.date is None:
        return ""
    try:
        check_day(post.date.date())
    except ValueError as error:
        return f"{post.where}: its date {error}, then import again (the other posts are imported)"
    return ""


def _oldest_first(post: Post) -> tuple[bool, str, str]:
    return post.date is None, post.date.isoformat() if post.date else "", post.key


def issue_text(post: Post, number: int, body: str, spellings: dict[str, str], now: datetime) -> str:
    title = _line(post.title) or f"Issue {number}"
    when = post.date or now
    header = [f"Title: {title}", f"Date: {when.isoformat(sep=' ', timespec='minutes')}"]
    summary = _line(post.summary)[:MAX_SUMMARY]
    if summary:
        header.append(f"Summary: {summary}")
    tags = _tags(post.tags, spellings)
    if tags:
        header.append(f"Tags: {', '.join(tags)}")
    if post.draft:
        header.append("Status: draft")
    # An archive's issue was sent without a community section; it shows as it was sent.
    header.append("Community: none")
    return "\n".join(header) + "\n\n" + _body(body) + "\n"


def _body(body: str) -> str:
    if not body:
        return "<!-- Imported with an empty body. -->"
    first = body.split("\n\n", 1)[0].splitlines()
    if any(KEY_LINE.match(line) for line in first):
        # "Note: ..." at the top would read as a header line.
        return "<!-- Imported. -->\n\n" + body
    return body


def _line(text: str) -> str:
    return " ".join(FORBIDDEN.sub("", text).split())


def _tags(tags: Sequence[str], spellings: dict[str, str]) -> list[str]:
    """Tags as the site already spells them: one topic, one spelling."""
    kept: list[str] = []
    for tag in tags:
        tag = _line(tag.replace(",", " "))
        slug = topic_slug(tag)
        if not slug:
            continue
        tag = spellings.setdefault(slug, tag)
        if tag not in kept:
            kept.append(tag)
    return kept


def _tag_spellings(issues_dir: Path) -> dict[str, str]:
    issues, _problems = load_issues(issues_dir)
    return {topic_slug(tag): tag for issue in issues for tag in issue.tags}


def _listed(path: Path, text: str, missing: Sequence[Missing]) -> list[str]:
    lines = text.splitlines()
    found = []
    for item in missing:
        line = next((i for i, t in enumerate(lines, 1) if f"]({item.url})" in t), 1)
        found.append(
            f"{display_path(path)}:{line}: image: {item.url} could not be fetched "
            f"({item.reason}): it stays a plain link; save the image in "
            f"{display_path(path.parent.parent / 'images')}/ and link it there"
        )
    return found


def _link(issue_file: str, places: Places) -> str:
    return "{filename}/" + (places.issues.relative_to(places.content) / issue_file).as_posix()


def _number_of(issue_file: str) -> int:
    found = FILE_NAME.match(issue_file)
    return int(found["number"]) if found else 0


def _slug_of(issue_file: str) -> str:
    found = FILE_NAME.match(issue_file)
    return found["slug"] if found else ""


def _record(planned: Planned, fmt: str) -> dict[str, str]:
    return {"issue": planned.path.name, "old_path": planned.post.old_path, "format": fmt}


def read_state(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        posts = loads_bounded(path.read_bytes())["imported"]
        if isinstance(posts, dict) and all(map(_is_record, posts.values())):
            return posts
    except (ValueError, KeyError, TypeError):  # JsonRefused among them
        pass
    raise ImportFailed(
        f"{display_path(path)}: is not the import record Hearth writes: restore it from git"
    )


def _is_record(record: Any) -> bool:
    """A record as the import writes it: the issue's file and the old path, as text."""
    return isinstance(record, dict) and all(
        isinstance(record.get(key), str) for key in ("issue", "old_path")
    )


def write_state(path: Path, state: Mapping[str, Any]) -> None:
    text = json.dumps({"imported": dict(sorted(state.items()))}, indent=2, ensure_ascii=False)
    replace_if_changed(path, text + "\n")


OLD_PATH = re.compile(r"/[!-~]*")


def _redirectable(old: str) -> bool:
    """Whether ``old`` is a plain path a rule may send on. A splat (``/*``) or a
    placeholder (``/:slug``) would match every address of the new site, and a rule for
    ``/.well-known/`` would come before Bridgy Fed's (the file's first match wins): a
    hostile feed's link to ``https://blog.example/*`` must not take the site over."""
    return (
        bool(OLD_PATH.fullmatch(old))
        and not any(character in old for character in "?*:")
        and old != "/"
        and not old.startswith("/.well-known/")
    )


def redirects_text(state: Mapping[str, Mapping[str, str]], settings: Mapping[str, Any]) -> str:
    """``_redirects`` lines, old path to new page, as Netlify, Cloudflare Pages and others
    read them."""
    pattern = str(settings.get("ARTICLE_URL") or "issues/{number}/")
    lines = []
    for record in state.values():
        old, number = record["old_path"], _number_of(record["issue"])
        # One rule per line, its fields apart by blanks: an old path with a blank, a tab
        # or a line break in it (a hostile slug) could add rules of its own.
        if not _redirectable(old) or not number:
            continue
        new = "/" + pattern.format(number=number, slug=_slug_of(record["issue"]))
        if old != new:
            lines.append(f"{old} {new} 301")
    header = "# Old addresses of imported posts (invoke import-archive writes this file).\n"
    return header + "".join(f"{line}\n" for line in sorted(set(lines)))
