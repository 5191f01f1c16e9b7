"""Render one issue for email without building the site: `invoke email --issue N`.

It reads only what one email needs (the issues, to find N and its community
window; the members; the activity file) and renders two templates, so sending
does not wait for a site build.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

import css_inline
import lxml.html
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)

from hearth_core.dates import format_date
from hearth_core.errors import HearthError
from hearth_core.files import write_atomically
from hearth_core.problems import template_error_message
from hearth_core.settings import absolute_site_url
from hearth_core.themevalues import FONT_STACKS, site_theme
from hearth_discussions.collect import discussion_ref, load_activity
from hearth_discussions.settings import lemmy_instances
from hearth_email.images import inbox_images
from hearth_email.links import absolute_html, absolute_url
from hearth_email.model import RenderedEmail
from hearth_email.text import markdown_as_text
from hearth_issues.bodies import markdown_renderer
from hearth_issues.collect import load_site_issues
from hearth_issues.model import Issue
from hearth_members.community import community_links_of
from hearth_members.render import note_html
from hearth_members.site import load_community, recorded_links
from hearth_members.views import LinkView, build_link_pages, link_anchor
from hearth_recommendations.email import email_neighbours

# Programs that read <style> get the dark-mode and phone rules; the rest is inlined.
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


class EmailError(HearthError):
    """The email cannot be rendered; the message says what to fix."""


@dataclass(frozen=True)
class EmailTheme:
    """The site's identity as the email's <style> prints it: HEARTH_THEME checked as the
    site checks it, and system font stacks, so no font is downloaded."""

    accent: str
    accent_dark: str
    heading_font: str
    body_font: str = FONT_STACKS["sans"]
    mono_font: str = FONT_STACKS["mono"]


def email_theme(settings: dict[str, Any]) -> EmailTheme:
    """HEARTH_THEME's values; its SettingsError as the site's, placed by tasks.py."""
    theme = site_theme(settings)
    return EmailTheme(theme.accent, theme.accent_dark, theme.heading_font)


@dataclass(frozen=True)
class IssueView:
    number: int
    title: str
    url: str
    date_text: str


def load_issue(settings: dict[str, Any], number: int) -> tuple[Issue, list[Issue]]:
    """Issue ``number`` and every issue, or EmailError when the content has problems."""
    issues, problems = load_site_issues(settings)
    if problems:
        listed = "\n".join(map(str, sorted(problems)))
        raise EmailError(f"{listed}\nFix these problems first (`invoke check` lists them).")
    match = next((issue for issue in issues if issue.number == number), None)
    if match is None:
        newest = max((issue.number for issue in issues), default=0)
        raise EmailError(f"there is no issue {number}: the newest is issue {newest}")
    return match, issues


def render_email(settings: dict[str, Any], number: int) -> RenderedEmail:
    """Issue ``number`` for inboxes; EmailError says what to fix, in the content or a template."""
    try:
        return _render(settings, number)
    except TemplateError as error:
        raise EmailError(template_error_message(error)) from None


def _render(settings: dict[str, Any], number: int) -> RenderedEmail:
    issue, issues = load_issue(settings, number)
    site_url = absolute_site_url(settings)
    page_url = f"{site_url}/issues/{issue.number}/"
    markdown = markdown_renderer(settings["MARKDOWN"])
    content = absolute_html(markdown.convert(issue.body), page_url, site_url)
    content, images = inbox_images(content, site_url, settings)
    activity = load_activity(settings)[0]
    community = _community(settings, issue, issues, activity)
    lemmy = lemmy_instances(settings)
    discussion = discussion_ref(issue.discussion, activity, lemmy) if issue.discussion else None
    date_format = settings.get("DEFAULT_DATE_FORMAT", "%Y-%m-%d")
    view = IssueView(issue.number, issue.title, page_url, format_date(issue.date, date_format))
    env = _environment(settings)
    data = {
        **_site(settings, site_url),
        "issue": view,
        "discussion": discussion,
        "theme": email_theme(settings),
    }
    community_html = ""
    if community:
        template = env.get_template("_community.html")
        community_html = absolute_html(template.render(data, links=community), page_url, site_url)
    neighbours = email_neighbours(settings)
    html = env.get_template("email/issue.html").render(
        data, content=content, community_html=community_html, neighbours=neighbours
    )
    inlined = INLINER.inline(html)
    text = env.get_template("email/issue.txt").render(
        data,
        community=community,
        neighbours=neighbours,
        body_text=markdown_as_text(issue.body, lambda href: absolute_url(href, page_url, site_url)),
    )
    return RenderedEmail(
        number=issue.number,
        subject=issue.title,
        description=issue.summary,
        slug=f"{issue.number}-{issue.slug}",
        canonical_url=page_url,
        html=inlined,
        body_html=_body(inlined),
        text=text,
        source=issue.source,
        is_draft=issue.is_draft,
        images=tuple(images),
    )


def _community(
    settings: dict[str, Any], issue: Issue, issues: list[Issue], activity: dict
) -> list[LinkView]:
    """The links the issue's page shows in "From the community", in the same order."""
    members, problems = load_community(settings, issues)
    if problems:
        listed = "\n".join(map(str, sorted(problems)))
        raise EmailError(f"{listed}\nFix these problems first (`invoke check` lists them).")
    shown = [other for other in issues if not other.is_draft or other.number == issue.number]
    links = [link for member in members for link in member.links]
    chosen = community_links_of(issue, shown, links, recorded_links(settings).featured)
    # Views for the chosen links only: one email needs a few of the archive's links.
    keep = {id(link) for link in chosen}
    sharing = [
        replace(member, links=tuple(link for link in member.links if id(link) in keep))
        for member in members
    ]
    pages = build_link_pages(
        sharing, {}, note_html, lambda url: discussion_ref(url, activity, lemmy_instances(settings))
    )
    by_anchor = {view.anchor: view for view in pages.links}
    return [by_anchor[link_anchor(link)] for link in chosen]


def _environment(settings: dict[str, Any]) -> Environment:
    theme = Path(settings["THEME"], "templates")
    return Environment(
        loader=FileSystemLoader(str(theme)),
        bytecode_cache=_compiled_templates(settings),
        # Every template escapes but the plain-text part, where "&amp;" would be wrong.
        autoescape=select_autoescape(disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _compiled_templates(settings: dict[str, Any]) -> FileSystemBytecodeCache | None:
    """Templates compiled by the last `invoke email`: compiling them is a tenth of its time.
    Jinja compares each template's checksum, so an edited template is compiled again."""
    if not settings.get("CACHE_PATH"):
        return None
    folder = Path(settings["CACHE_PATH"], "email-templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only project still renders, compiling each time
        return None
    return FileSystemBytecodeCache(str(folder))


def _site(settings: dict[str, Any], site_url: str) -> dict[str, Any]:
    return {
        "SITENAME": settings["SITENAME"],
        "SITEURL": site_url,
        "DEFAULT_LANG": settings.get("DEFAULT_LANG", "en"),
    }


def _body(document: str) -> str:
    """The inlined column alone: Buttondown wraps it in its own page and footer."""
    tree = lxml.html.document_fromstring(document)
    (column,) = tree.xpath('//*[@id="hearth-email"]')
    return lxml.html.tostring(column, encoding="unicode")


def write_email(email: RenderedEmail, folder: Path) -> list[tuple[Path, int]]:
    """Write ``N.html`` and ``N.txt`` into ``folder``; return each path with its size in bytes.

    ``N.html`` is the email as sent, but for its images: a browser opening it shows the
    copies written beside it (``images/chart.png``), since the public ones may not be
    live yet. What is sent (``email.html``) keeps their public addresses.
    """
    written = []
    for suffix, text in ((".html", local_preview(email, folder)), (".txt", email.text)):
        path = folder / f"{email.number}{suffix}"
        data = text.encode("utf-8")
        write_atomically(path, data)
        written.append((path, len(data)))
    return written


def local_preview(email: RenderedEmail, folder: Path) -> str:
    """The email's HTML with each image of the site shown from a copy in ``folder``,
    at the same path as in the site; other sites' images keep their addresses."""
    html = email.html
    for image in email.images:
        if image.file is None or not image.path:
            continue
        copy = folder / image.path
        data = image.file.read_bytes()
        if not copy.is_file() or copy.read_bytes() != data:
            write_atomically(copy, data)
        html = html.replace(f'src="{escape(image.url)}"', f'src="{escape(image.path)}"')
    return html
