"""Read one member file into a :class:`Member`, or report everything wrong with it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from types import MappingProxyType

from hearth_core.dates import check_day
from hearth_core.platforms import recognise
from hearth_core.problems import Problem, ProblemReport
from hearth_core.text import first_forbidden, forbidden_message
from hearth_core.topics import did_you_mean
from hearth_core.weburl import check_web_url
from hearth_core.yamlsource import Value, describe, load_yaml
from hearth_members.model import Link, Member

# A GitHub login: letters, digits and single inner hyphens, at most 39 characters.
FILE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}\.yml$")
FEDIVERSE = re.compile(
    r"^@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MEMBER_FIELDS = ("handle", "name", "bio", "website", "fediverse", "feed", "blogroll", "links")
LINK_FIELDS = ("url", "title", "date", "note", "tags", "discussion")
LIMITS = {"name": 80, "bio": 280, "title": 120, "note": 500}
# Far above what anyone shares; the weekly limit keeps a file far below it anyway.
MAX_LINKS = 1000
MAX_FEDIVERSE = 200
EXAMPLES = {
    "name": "name: Ada Example",
    "url": "url: https://example.org/post",
    "title": "title: A good post",
    "date": "date: 2025-10-08",
}
TEMPLATE = "content/members/_template.yml"


def parse_member(
    path: Path, text: str, vocabulary: Collection[str], today: datetime.date
) -> tuple[Member | None, list[Problem]]:
    """Validate one ``content/members/<handle>.yml``; ``today`` decides what is the future."""
    root, problems = load_yaml(path, text)
    report = ProblemReport(path, problems)
    _check_file_name(report)
    if root is None:
        return None, report.problems
    if not isinstance(root.data, dict):
        what = "is empty" if root.data is None else f"holds {describe(root)}, not fields"
        report.add(root.line, "", f"the file {what}: copy {TEMPLATE} and fill it in")
        return None, report.problems
    fields: dict[str, Value] = root.data
    _unknown_keys(report, fields, "", MEMBER_FIELDS, LINK_FIELDS, "belongs inside a link")
    _missing(report, fields, "", ("name",), 1)
    _check_handle(report, fields.get("handle"))
    name = _text(report, fields.get("name"), "name", required=True)
    bio = _text(report, fields.get("bio"), "bio", multiline=True)
    website = _url(report, fields.get("website"), "website")
    fediverse = _fediverse(report, fields.get("fediverse"))
    feed = _url(report, fields.get("feed"), "feed")
    blogroll = _blogroll(report, fields.get("blogroll"), website, feed)
    links = _links(report, fields.get("links"), vocabulary, today)
    if report.problems or name is None:
        return None, report.problems
    handle = path.stem
    member = Member(
        handle=handle,
        name=name,
        bio=bio or "",
        website=website,
        fediverse=fediverse,
        links=tuple(_link(item, handle, path) for item in links),
        source=path,
        feed=feed,
        blogroll=blogroll,
        lines=MappingProxyType({key: value.line for key, value in fields.items()}),
    )
    return member, []


def _check_file_name(report: ProblemReport) -> None:
    name = report.path.name
    if FILE_NAME.fullmatch(name):
        return
    suggestion = f"{report.path.stem.lower()}.yml"
    fix = f": rename it to {suggestion}" if FILE_NAME.fullmatch(suggestion) else ""
    report.add(
        1,
        "",
        "the file name must be your GitHub login in lower case followed by .yml, "
        f"like ada-lovelace.yml{fix}",
    )


def _check_handle(report: ProblemReport, value: Value | None) -> None:
    if value is None or value.data is None:
        return
    expected = report.path.stem
    if not isinstance(value.data, str):
        report.add(value.line, "handle", _not_text(value))
    elif value.data.lower() == expected and value.data != expected:
        report.add(value.line, "handle", f"write it in lower case, like the file name: {expected}")
    elif value.data != expected:
        report.add(
            value.line,
            "handle",
            f"{value.data!r} does not match the file name {report.path.name}: both are your "
            "GitHub login in lower case; make them the same, or remove the handle line",
        )


def _unknown_keys(
    report: ProblemReport,
    fields: dict[str, Value],
    where: str,
    allowed: Sequence[str],
    elsewhere: Sequence[str],
    elsewhere_hint: str,
) -> None:
    for key, value in fields.items():
        if key in allowed:
            continue
        hint = did_you_mean(key, allowed)
        if not hint and key in elsewhere:
            hint = f" ({key} {elsewhere_hint})"
        report.add(
            value.line,
            _join(where, key),
            f"unknown field{hint}: use one of {', '.join(allowed)}, or remove it",
        )


def _missing(
    report: ProblemReport, fields: dict[str, Value], where: str, required: Sequence[str], line: int
) -> None:
    place = " to this link" if where else ""
    for key in required:
        if key not in fields:
            report.add(line, _join(where, key), f"missing: add a line like {EXAMPLES[key]}{place}")


def _text(
    report: ProblemReport,
    value: Value | None,
    field: str,
    *,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Plain text; an optional field left empty counts as absent."""
    if value is None:
        return None
    if value.data is not None and not isinstance(value.data, str):
        report.add(value.line, field, _not_text(value))
        return None
    text = (value.data or "").strip()
    if not text:
        if required:
            _empty(report, value, field)
        return None
    limit = LIMITS[field.rsplit(".", 1)[-1]]
    hidden = first_forbidden(text, one_line=not multiline)
    if "\n" in text and not multiline:
        report.add(value.line, field, "must be one line: join the lines into one")
    elif hidden is not None:
        report.add(value.line, field, forbidden_message(hidden))
    elif len(text) > limit:
        report.add(
            value.line,
            field,
            f"is {len(text)} characters long, over the limit of {limit}: shorten it",
        )
    else:
        return text
    return None


def _not_text(value: Value) -> str:
    if value.raw is not None:
        # YAML 1.1 reads yes/no/on/off as true/false and 1984 as a number.
        return (
            f"must be text, but YAML reads {value.raw} as {describe(value)}: "
            f'put it in quotes, like "{value.raw}"'
        )
    return f"must be text, not {describe(value)}: write it on the same line, after the colon"


def _url(
    report: ProblemReport,
    value: Value | None,
    field: str,
    *,
    required: bool = False,
    hash_in_fragment: bool = False,
) -> str | None:
    if value is None:
        return None
    if value.data is None:
        if required:
            _empty(report, value, field)
        return None
    if not isinstance(value.data, str):
        report.add(
            value.line,
            field,
            f"must be a web address like https://example.org/post, not {describe(value)}",
        )
        return None
    try:
        return check_web_url(value.data, hash_in_fragment=hash_in_fragment)
    except ValueError as error:
        report.add(value.line, field, str(error))
        return None


def _blogroll(
    report: ProblemReport, value: Value | None, website: str | None, feed: str | None
) -> bool:
    """``blogroll: true`` lists the member's own site and its feed in the members' blogroll."""
    if value is None or value.data is None:
        return False
    if not isinstance(value.data, bool):
        shown = value.raw if value.raw is not None else describe(value)
        report.add(value.line, "blogroll", f"must be true or false, not {shown}")
        return False
    if value.data and (website is None or feed is None):
        report.add(
            value.line,
            "blogroll",
            "lists your own site and its feed, so add both first: "
            "website: https://ada.example and feed: https://ada.example/feed.xml",
        )
        return False
    return value.data


def _discussion(report: ProblemReport, value: Value | None, field: str) -> str | None:
    """A web address that is also a discussion link the index can label (https only)."""
    # Pages link to a chat's "#/#room" address with %23, as the HTML rules want.
    url = _url(report, value, field, hash_in_fragment=True)
    if url is None or value is None:
        return url
    try:
        return recognise(url).url
    except ValueError as error:
        report.add(value.line, field, str(error))
        return None


def _fediverse(report: ProblemReport, value: Value | None) -> str | None:
    if value is None or value.data is None:
        return None
    if isinstance(value.data, str) and len(value.data) > MAX_FEDIVERSE:
        report.add(
            value.line,
            "fediverse",
            f"is {len(value.data)} characters long, over the limit of {MAX_FEDIVERSE}: "
            'write only "@user@host"',
        )
        return None
    if isinstance(value.data, str) and FEDIVERSE.fullmatch(value.data):
        return value.data
    shown = repr(value.data) if isinstance(value.data, str) else describe(value)
    report.add(
        value.line,
        "fediverse",
        f'{shown} is not a fediverse address: write "@user@host" in quotes, '
        'like fediverse: "@ada@social.example"',
    )
    return None


def _links(
    report: ProblemReport, value: Value | None, vocabulary: Collection[str], today: datetime.date
) -> list[tuple[int, Value, dict]]:
    """Check every link; return (index, item, parsed fields) for the ones without problems."""
    if value is None or value.data is None:
        return []
    if not isinstance(value.data, list):
        report.add(
            value.line,
            "links",
            f'must be a list of links, each starting with "- url:" on a new line, '
            f"not {describe(value)}: see {TEMPLATE}",
        )
        return []
    if len(value.data) > MAX_LINKS:
        report.add(
            value.line,
            "links",
            f"holds {len(value.data)} links, over the limit of {MAX_LINKS} per member: "
            "remove the oldest",
        )
        return []
    good = []
    for index, item in enumerate(value.data):
        before = len(report.problems)
        parsed = _link_fields(report, item, f"links[{index}]", vocabulary, today)
        if len(report.problems) == before and parsed is not None:
            good.append((index, item, parsed))
    return good


def _link_fields(
    report: ProblemReport,
    item: Value,
    where: str,
    vocabulary: Collection[str],
    today: datetime.date,
) -> dict | None:
    if not isinstance(item.data, dict):
        report.add(
            item.line,
            where,
            f"must be a link with url:, title: and date: lines, not {describe(item)}: "
            f"see {TEMPLATE}",
        )
        return None
    fields: dict[str, Value] = item.data
    _unknown_keys(report, fields, where, LINK_FIELDS, MEMBER_FIELDS, "belongs at the top")
    _missing(report, fields, where, ("url", "title", "date"), item.line)
    return {
        "url": _url(report, fields.get("url"), f"{where}.url", required=True),
        "title": _text(report, fields.get("title"), f"{where}.title", required=True),
        "date": _date(report, fields.get("date"), f"{where}.date", today),
        "note": _text(report, fields.get("note"), f"{where}.note", multiline=True),
        "tags": _tags(report, fields.get("tags"), f"{where}.tags", vocabulary),
        "discussion": _discussion(report, fields.get("discussion"), f"{where}.discussion"),
    }


def _empty(report: ProblemReport, value: Value, field: str) -> None:
    key = field.rsplit(".", 1)[-1]
    report.add(value.line, field, f"is empty: write it after the colon, like {EXAMPLES[key]}")


def _date(
    report: ProblemReport, value: Value | None, field: str, today: datetime.date
) -> datetime.date | None:
    if value is None:
        return None
    data = value.data
    day: datetime.date | None = None
    if data is None:
        _empty(report, value, field)
    elif isinstance(data, datetime.datetime):
        report.add(value.line, field, "has a time: write the day alone, like 2025-10-08")
    elif isinstance(data, datetime.date):
        day = data
    elif isinstance(data, str) and ISO_DATE.match(data.strip()):
        try:
            day = datetime.date.fromisoformat(data.strip())
        except ValueError:
            report.add(value.line, field, f"{data!r} is not a day of the calendar: check it")
    elif isinstance(data, str):
        report.add(value.line, field, f"cannot read {data!r} as a date: write YYYY-MM-DD")
    else:
        shown = f"YAML reads {value.raw} as {describe(value)}" if value.raw else describe(value)
        report.add(value.line, field, f"must be a date written YYYY-MM-DD, but {shown}")
    if day is not None and _out_of_range(report, value, field, day):
        return None
    if day is not None and day > today:
        report.add(
            value.line,
            field,
            f"{day.isoformat()} is in the future (today is {today.isoformat()}): "
            "write the day the link was published or found",
        )
        return None
    return day


def _out_of_range(report: ProblemReport, value: Value, field: str, day: datetime.date) -> bool:
    try:
        check_day(day)
    except ValueError as error:
        report.add(value.line, field, str(error))
        return True
    return False


def _tags(
    report: ProblemReport, value: Value | None, field: str, vocabulary: Collection[str]
) -> tuple[str, ...]:
    if value is None or value.data is None:
        return ()
    if not isinstance(value.data, list):
        report.add(
            value.line,
            field,
            f"must be a list in square brackets, like tags: [design, tools], not {describe(value)}",
        )
        return ()
    allowed = sorted(vocabulary)
    tags: list[str] = []
    for index, item in enumerate(value.data):
        where = f"{field}[{index}]"
        if not isinstance(item.data, str):
            report.add(item.line, where, _not_text(item))
        elif item.data in tags:
            report.add(item.line, where, f"{item.data!r} is listed twice: keep one")
        elif item.data not in vocabulary:
            report.add(item.line, where, _unknown_tag(item.data, allowed))
        else:
            tags.append(item.data)
    return tuple(tags)


def _unknown_tag(tag: str, allowed: list[str]) -> str:
    if not allowed:
        return f"{tag!r} is not a topic here: this newsletter has no link topics yet, remove it"
    return (
        f"{tag!r} is not a topic here{did_you_mean(tag, allowed)}: use one of {', '.join(allowed)}"
    )


def _link(item: tuple[int, Value, dict], handle: str, path: Path) -> Link:
    index, value, parsed = item
    return Link(
        url=parsed["url"],
        title=parsed["title"],
        date=parsed["date"],
        note=parsed["note"] or "",
        tags=parsed["tags"],
        discussion=parsed["discussion"],
        member=handle,
        source=path,
        line=value.line,
        index=index,
        lines=tuple((key, field.line) for key, field in value.data.items()),
    )


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
