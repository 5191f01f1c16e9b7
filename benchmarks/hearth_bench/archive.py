"""Write a synthetic archive shaped like a real 13-year weekly newsletter.

The shape follows one measured archive: 668 issues, median 14 KB of Markdown,
recent issues 30 KB with about 250 links, and a community around it. At scale 1
it is 700 issues, 200 members sharing 20,000 links, and 2,000 discussions.
Everything is drawn from a seeded random generator: the same scale gives the
same files, so runs compare.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hearth_bench import prose
from hearth_issues.source import issue_file_name

# The newest issue's date: fixed, so the archive is the same whatever day it is
# generated, and never in the future.
LAST_ISSUE = date(2025, 12, 26)
TAGS = ("apps", "design", "typography", "writing", "zines", "side-projects", "tools", "shipping")
VOCABULARY = (
    "small tools make long afternoons shorter and a weekend project grows into something "
    "people use every day the paper folds twice then once more before the staple goes in "
    "type on screens needs room to breathe while colour carries meaning only when contrast "
    "holds members wrote about shipping late and shipping early about notebooks kilns fonts "
    "keyboards printers birdhouses quilts budgets recipes maps and the joy of finishing"
)
WORDS = tuple(VOCABULARY.split())
# Each synthetic member shares 100 links, dated at random over the archive's weeks: at
# small scales far more than the 5 a week members may share. The benchmark's project
# lifts the limit rather than thin the links (the check still runs on every link).
WEEKLY_LINK_LIMIT = 1_000
SMALLEST_ISSUE = 6_000
LARGEST_ISSUE = 30_000


@dataclass(frozen=True)
class ArchiveShape:
    issues: int
    members: int
    links: int
    discussions: int

    @classmethod
    def at_scale(cls, scale: float) -> ArchiveShape:
        if scale <= 0:
            raise ValueError("the scale must be above 0, like 1 or 0.5")
        return cls(
            issues=max(2, round(700 * scale)),
            members=max(1, round(200 * scale)),
            links=max(1, round(20_000 * scale)),
            discussions=max(3, round(2_000 * scale)),
        )


def issue_date(number: int, count: int) -> date:
    return LAST_ISSUE - timedelta(weeks=count - number)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _issue_size(number: int, count: int) -> int:
    # Issues grow over the years: the median lands near 14 KB, the newest at 30 KB.
    share = number / count
    return int(SMALLEST_ISSUE + (LARGEST_ISSUE - SMALLEST_ISSUE) * share**1.6)


def issue_text(number: int, count: int, discussion: str | None) -> str:
    rng = random.Random(number)
    header = [
        f"Title: {_sentence(rng, 5)[:-1]} ({number})",
        f"Date: {issue_date(number, count)} 08:00",
        f"Summary: {_sentence(rng, 18)}",
        f"Tags: {', '.join(rng.sample(TAGS, 2))}",
    ]
    if discussion:
        header.append(f"Discussion: {discussion}")
    return "\n".join(header) + "\n\n" + prose.body(rng, number, _issue_size(number, count))


def _issue_discussion(number: int) -> str:
    return f"https://forum.bench.example/t/issue-{number}/{number}"


def _link_discussion(member: int, item: int) -> str:
    return f"https://social.bench.example/@member{member}/{member * 100_000 + item}"


def _member_text(member: int, links: int, first: date, days: int, talked: int) -> str:
    rng = random.Random(10_000 + member)
    lines = [f"handle: member{member}", f"name: Member {member}"]
    lines += [f"bio: {_sentence(rng, 12)}", f"website: https://member{member}.example", "links:"]
    for item in range(links):
        lines += [
            f"  - url: https://member{member}.example/posts/{item}",
            f"    title: {_sentence(rng, 6)[:-1]}",
            f"    date: {first + timedelta(days=rng.randrange(days))}",
            f"    tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 2)))}]",
        ]
        if item % 2 == 0:
            lines.append(f"    note: {_sentence(rng, 18)} *{rng.choice(WORDS)}* matters.")
        if item < talked:
            lines.append(f"    discussion: {_link_discussion(member, item)}")
    return "\n".join(lines) + "\n"


def _thread_text(index: int, started: date) -> str:
    rng = random.Random(50_000 + index)
    url = f"https://github.com/bench/community/discussions/{index}"
    if index % 3 == 1:
        url = f"https://www.reddit.com/r/benchletter/comments/t{index}/thread/"
    return (
        f"title: {_sentence(rng, 6)[:-1]}\nurl: {url}\nstarted: {started}\n"
        f"tags: [{rng.choice(TAGS)}]\n"
    )


def _activity(threads: list[tuple[str, date]]) -> dict:
    entries = {}
    for index, (url, started) in enumerate(threads):
        last = datetime.combine(started + timedelta(days=index % 40), time(12), UTC)
        entries[url] = {"title": None, "replies": index % 57, "last_activity": last.isoformat()}
    return {"about": "Synthetic activity for the benchmark.", "threads": entries}


def write_archive(content: Path, shape: ArchiveShape, pages_from: Path | None = None) -> None:
    """Write ``content/`` with issues, members, discussions and, if given, the site's pages."""
    if content.exists():
        shutil.rmtree(content)
    issues, members, discussions = (content / name for name in ("issues", "members", "discussions"))
    for folder in (issues, members, discussions):
        folder.mkdir(parents=True)
    if pages_from:
        shutil.copytree(pages_from / "pages", content / "pages")
        shutil.copytree(pages_from / "images", content / "images")
    else:
        (content / "pages").mkdir()
    # A quarter of the discussions are about issues, half about links, the rest topics.
    issue_talks = min(shape.issues, shape.discussions // 4)
    link_talks = shape.discussions // 2
    thread_files = shape.discussions - issue_talks - link_talks
    threads: list[tuple[str, date]] = []
    for number in range(1, shape.issues + 1):
        discussed = number > shape.issues - issue_talks
        url = _issue_discussion(number) if discussed else None
        path = issues / issue_file_name(number, f"issue-{number}")
        path.write_text(issue_text(number, shape.issues, url))
        if url:
            threads.append((url, issue_date(number, shape.issues)))
    first = issue_date(1, shape.issues)
    days = (LAST_ISSUE - first).days
    per_member, extra = divmod(shape.links, shape.members)
    talks_per_member = -(-link_talks // shape.members)
    talked_links = 0
    for member in range(1, shape.members + 1):
        count = per_member + (member <= extra)
        talked = min(talks_per_member, count, link_talks - talked_links)
        talked_links += talked
        text = _member_text(member, count, first, days, talked)
        (members / f"member{member}.yml").write_text(text)
        threads += [(_link_discussion(member, item), LAST_ISSUE) for item in range(talked)]
    for index in range(thread_files):
        started = first + timedelta(days=index * days // max(thread_files, 1))
        (discussions / f"thread-{index}.yml").write_text(_thread_text(index, started))
    activity = _activity(threads)
    (discussions / "activity.json").write_text(json.dumps(activity, indent=2) + "\n")
