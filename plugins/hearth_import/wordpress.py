"""A WordPress export (WXR): an RSS file whose items are posts, pages and attachments."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from hearth_core.problems import display_path
from hearth_import.model import Archive, ImportFailed, Post, hosts_of, shown

MAX_EXPORT_BYTES = 200 * 1024 * 1024
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/%s/excerpt/}encoded"
WP = "{http://wordpress.org/export/%s/}"
_NO_DATE = "0000-00-00 00:00:00"


def read_wordpress(source: Path) -> Archive:
    name = display_path(source)
    channel, version = _channel(source, name)
    wp = WP % version
    archive = Archive(hosts=hosts_of(channel.findtext("link") or ""))
    for index, item in enumerate(channel.iter("item")):
        if item.findtext(f"{wp}post_type") != "post":
            continue  # pages, attachments, menu items: not issues
        title = " ".join((item.findtext("title") or "").split())
        slug = item.findtext(f"{wp}post_name") or item.findtext(f"{wp}post_id") or str(index)
        where = f"{name}: post {shown(slug)}" + (f' "{shown(title)}"' if title else "")
        try:
            archive.posts.append(_post(item, version, title, slug, where))
        except ValueError as error:
            archive.problems.append(f"{where}: {error}")
        archive.hosts |= hosts_of(item.findtext("link") or "")
    return archive


def _channel(source: Path, name: str) -> tuple[ET.Element, str]:
    if source.stat().st_size > MAX_EXPORT_BYTES:
        raise ImportFailed(f"{name}: is larger than {MAX_EXPORT_BYTES // 1024 // 1024} MiB")
    try:
        # Python's XML parser expands no external entity, and refuses entity bombs.
        root = ET.parse(source).getroot()
    except ET.ParseError as error:
        raise ImportFailed(f"{name}: is not well-formed XML ({error})") from None
    found = re.search(r"wordpress\.org/export/([0-9.]+)/", _namespaces(source))
    version = found[1] if found else ""
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or not version:
        raise ImportFailed(
            f"{name}: is not a WordPress export (WXR): export it again from WordPress's "
            "Tools, Export, All content"
        )
    return channel, version


def _namespaces(source: Path) -> str:
    """The start of the file, where WXR declares its namespaces."""
    with source.open("rb") as handle:
        return handle.read(4096).decode("utf-8", "replace")


def _post(item: ET.Element, version: str, title: str, slug: str, where: str) -> Post:
    wp = WP % version
    status = item.findtext(f"{wp}status") or ""
    draft = status != "publish"
    link = (item.findtext("link") or "").strip()
    path = urlsplit(link).path if link.startswith(("http://", "https://")) else ""
    categories = item.findall("category")
    tags = tuple(
        dict.fromkeys(
            " ".join((c.text or "").split())
            for c in categories
            if c.get("domain") in ("category", "post_tag") and (c.text or "").strip()
        )
    )
    return Post(
        key=link or f"wordpress:/?p={item.findtext(f'{wp}post_id')}",
        old_path=path or f"/?p={item.findtext(f'{wp}post_id')}",
        title=title,
        date=_date(item, wp, draft),
        html=autop(shortcodes(item.findtext(CONTENT) or "")),
        slug=slug,
        where=where,
        summary=" ".join((item.findtext(EXCERPT % version) or "").split()),
        tags=tuple(tag for tag in tags if tag.casefold() != "uncategorized"),
        draft=draft,
        url=link,
    )


def _date(item: ET.Element, wp: str, draft: bool) -> datetime | None:
    """pubDate keeps the offset; post_date_gmt is the fallback (a draft has neither)."""
    published = (item.findtext("pubDate") or "").strip()
    if published and "-0001" not in published:
        try:
            return parsedate_to_datetime(published)
        except (TypeError, ValueError):
            pass
    gmt = (item.findtext(f"{wp}post_date_gmt") or "").strip()
    if gmt and gmt != _NO_DATE:
        try:
            return datetime.fromisoformat(gmt).replace(tzinfo=UTC)
        except ValueError:
            raise ValueError(f"its post_date_gmt {gmt[:40]!r} is not a date") from None
    local = (item.findtext(f"{wp}post_date") or "").strip()
    if draft and local and local != _NO_DATE:
        try:
            return datetime.fromisoformat(local).replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


def autop(content: str) -> str:
    """Paragraphs where WordPress stores blank lines (its wpautop), unless blocks hold them."""
    if "<!-- wp:" in content or re.search(r"<p[\s>]", content):
        return content
    blocks = [block.strip() for block in re.split(r"\n\s*\n", content) if block.strip()]
    return "".join(
        block
        if re.match(r"<(?:h\d|ul|ol|blockquote|pre|figure|table|div)", block)
        else f"<p>{block}</p>"
        for block in blocks
    )


# A caption shortcode is found opener, then closer, then what lies between: one regular
# expression spanning all three scanned the rest of the post from every opener without
# a closer, which took minutes for a hostile post of a few hundred kilobytes.
_CAPTION_OPEN = re.compile(r"\[caption[^\]]*\]", re.IGNORECASE)
_CAPTION_CLOSE = re.compile(r"\[/caption\]", re.IGNORECASE)
_CAPTIONED = re.compile(
    r"\s*(?P<image>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<text>.*)", re.DOTALL
)
_EMBED = re.compile(r"\[embed[^\]]*\](?P<url>[^\[<>\s\"]+)\[/embed\]", re.IGNORECASE)
# Shortcodes that show only what a WordPress plugin makes: a form, a player, a gallery.
_WIDGETS = re.compile(
    r"\[/?(?:gallery|contact-form|contact-field|jetpack_subscription_form|subscribe|audio|video"
    r"|playlist|jetpack_top_posts_widget|related-posts)\b[^\]]*\]",
    re.IGNORECASE,
)


def shortcodes(content: str) -> str:
    """The classic editor's shortcodes as the HTML WordPress makes of them: a captioned
    image as a figure, an embed as a link; a widget's shortcode goes."""
    content = _captions(content)
    content = _EMBED.sub(lambda m: f'<p><a href="{m["url"]}">{m["url"]}</a></p>', content)
    return _WIDGETS.sub("", content)


def _captions(content: str) -> str:
    """Each ``[caption]<img> text[/caption]`` as a figure, in time linear in the post."""
    parts: list[str] = []
    position = 0
    while opener := _CAPTION_OPEN.search(content, position):
        closer = _CAPTION_CLOSE.search(content, opener.end())
        if closer is None:
            break  # no caption closes after this one: the rest stays as it is
        while inner := _CAPTION_OPEN.search(content, opener.end(), closer.start()):
            opener = inner  # the caption the closer closes is the last one opened
        found = _CAPTIONED.fullmatch(content, opener.end(), closer.start())
        parts.append(content[position : opener.start()])
        if found:
            text = found["text"].strip()
            parts.append(f"<figure>{found['image']}<figcaption>{text}</figcaption></figure>")
        else:
            parts.append(content[opener.start() : closer.end()])
        position = closer.end()
    return "".join(parts) + content[position:]
