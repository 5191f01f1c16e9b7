"""A Ghost export: JSON with ``db[0].data.posts``, its tags through ``posts_tags``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hearth_core.json_limits import JsonRefused, loads_bounded
from hearth_core.problems import display_path
from hearth_import.ghostcards import render_lexical, render_mobiledoc
from hearth_import.model import Archive, ImportFailed, Post, shown

MAX_EXPORT_BYTES = 200 * 1024 * 1024


# Ghost 4 and later write the site's own address as this, in every post's HTML.
GHOST_URL = "__GHOST_URL__"
UNKNOWN_SITE = "https://ghost-site.invalid"


def read_ghost(source: Path, old_url: str = "") -> Archive:
    """``old_url``: the site's address, for what the export writes as __GHOST_URL__."""
    name = display_path(source)
    data = _data(source, name)
    if not old_url and GHOST_URL.encode() in source.read_bytes():
        # Without it every image and every link to the old site would point nowhere,
        # and a second run could not mend them: the posts would be imported already.
        raise ImportFailed(
            f"{name}: the export writes the site's address as {GHOST_URL}: give it with "
            "--old-url, such as --old-url https://news.example.com"
        )
    tags = _tags_by_post(data)
    site = (old_url or UNKNOWN_SITE).rstrip("/")
    archive = Archive(hosts={urlsplit(site).hostname or ""})
    for index, raw in enumerate(data.get("posts") or []):
        if not isinstance(raw, Mapping) or not _is_post(raw):
            continue
        title = " ".join(str(raw.get("title") or "").split())
        label = shown(raw.get("slug") or index + 1)
        where = f"{name}: post {label}" + (f' "{shown(title)}"' if title else "")
        try:
            post = _post(raw, title, tags.get(str(raw.get("id")), ()), where)
            archive.posts.append(replace(post, html=post.html.replace(GHOST_URL, site)))
        except ValueError as error:
            archive.problems.append(f"{where}: {error}")
    return archive


def _data(source: Path, name: str) -> Mapping[str, Any]:
    if source.stat().st_size > MAX_EXPORT_BYTES:
        raise ImportFailed(f"{name}: is larger than {MAX_EXPORT_BYTES // 1024 // 1024} MiB")
    try:
        # Bounded: a hostile export nested 100,000 deep would end in a RecursionError.
        document = loads_bounded(source.read_bytes())
    except JsonRefused as error:
        raise ImportFailed(f"{name}: is not JSON Hearth reads ({error})") from None
    try:
        data = document["db"][0]["data"]
        if isinstance(data, Mapping) and isinstance(data["posts"], list):
            return data
    except (KeyError, IndexError, TypeError):
        pass
    raise ImportFailed(
        f"{name}: is JSON, but not a Ghost export (no db[0].data.posts): export it again "
        "from Ghost's Settings, Labs, Export your content"
    )


def _is_post(raw: Mapping[str, Any]) -> bool:
    """Posts, not pages: Ghost 1-4 mark a page with ``page``, Ghost 5 with ``type``."""
    return raw.get("type", "post") == "post" and not raw.get("page")


def _tags_by_post(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    names = {str(tag.get("id")): str(tag.get("name") or "") for tag in _objects(data.get("tags"))}
    found: dict[str, list[str]] = {}
    links = _objects(data.get("posts_tags"))
    for link in sorted(links, key=_sort_order):
        tag = names.get(str(link.get("tag_id")), "")
        # "#name" tags are Ghost's internal ones, for themes: no reader sees them.
        if tag and not tag.startswith("#"):
            found.setdefault(str(link.get("post_id")), []).append(tag)
    return {post: tuple(tags) for post, tags in found.items()}


def _objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list the export should hold; anything else holds none."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _sort_order(link: Mapping[str, Any]) -> int:
    order = link.get("sort_order")
    return order if isinstance(order, int) and not isinstance(order, bool) else 0


def _post(raw: Mapping[str, Any], title: str, tags: tuple[str, ...], where: str) -> Post:
    slug = raw.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        raise ValueError("it has no slug: give it one in Ghost, then export again")
    draft = raw.get("status") != "published"
    return Post(
        key=f"ghost:/{slug}/",
        old_path=f"/{slug}/",
        title=title,
        date=_date(raw.get("published_at") or (raw.get("created_at") if draft else None)),
        html=_html(raw),
        slug=slug,
        where=where,
        summary=" ".join(str(raw.get("custom_excerpt") or "").split()),
        tags=tags,
        draft=draft,
    )


def _html(raw: Mapping[str, Any]) -> str:
    if raw.get("html"):
        return str(raw["html"])
    for field, render in (("lexical", render_lexical), ("mobiledoc", render_mobiledoc)):
        if raw.get(field):
            try:
                return render(loads_bounded(str(raw[field])))
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
                raise ValueError(f"its {field} cannot be read ({error})") from None
            except RecursionError:  # a markdown card of lists nested thousands deep
                raise ValueError(f"its {field} nests too deep to be read") from None
    return ""


def _date(value: Any) -> datetime | None:
    """Ghost 5 writes ISO 8601 in UTC; Ghost 1 wrote milliseconds since 1970."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(f"its published_at {value!r} is not a date")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):  # past what any clock can say
            raise ValueError(f"its published_at {value!r:.40} is not a date") from None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"its published_at {str(value)[:40]!r} is not a date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
