"""Pelican wiring for site-wide context, card metadata, the sitemap and robots.txt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown import Markdown
from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from hearth_core.files import write_atomically
from hearth_core.settings import absolute_site_url
from hearth_core.state import STATE_KEY, BuildState, build_state
from hearth_core.statics import forget_statics, remember_statics, static_generators
from hearth_core.stored import store_pending
from hearth_search.pagefind import (
    SearchIndexJob,
    forget_pages,
    missing_parts,
    parts_cache,
    plan_parts,
    scratch_site,
)
from hearth_search.records import (
    SearchCaches,
    SearchRecord,
    issue_record,
    search_records,
    search_tags,
    with_pages,
)
from hearth_site import bodyprints, keptarticles, pagememo, splicerecord, staticlinks
from hearth_site.forms import subscribe_form
from hearth_site.meta import site_meta, site_path, under_site_path
from hearth_site.pagememo import PreviewWriter
from hearth_site.produced import ProducedFiles
from hearth_site.redirects import write_redirects
from hearth_site.sharing import CardsGenerator, TopicsGenerator
from hearth_site.siteicons import (
    FAVICON,
    MANIFEST,
    TOUCH_ICON,
    favicon_svg,
    touch_icon_png,
    web_manifest,
)
from hearth_site.sitemap import robots_txt, sitemap_xml
from hearth_site.theme import site_theme
from hearth_site.views import byline, home_page, share_links


def site_urls(context: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every public page worth indexing, with its last change where known."""
    articles = [a for a in context["articles"] if not a.is_draft]
    latest = articles[0].date if articles else None
    urls: list[tuple[str, Any]] = [("", latest), ("issues/", latest)]
    urls += [(a.url, getattr(a, "modified", None) or a.date) for a in articles]
    urls += [(page.url, None) for page in context["pages"]]
    urls.append(("search/", None))
    if context.get("recommendations"):
        urls.append(("recommendations/", None))
    topics = context.get("topic_pages", ())
    if topics:
        urls.append(("topics/", latest))
    urls += [(topic.url, topic.updated) for topic in topics]
    community = context.get("link_pages")
    if community:
        urls += [("links/", None), ("members/", None)]
        urls += [(month.url, None) for month in community.months]
        urls += [(tag.url, None) for tag, _links in community.by_tag]
        urls += [(member.url, None) for member in community.members]
    discussions = context.get("discussion_pages")
    if discussions:
        newest = discussions.discussions[0].active_at if discussions.discussions else None
        urls += [("community/", None), ("discussions/", newest)]
        for ref, threads in discussions.by_platform + discussions.by_tag:
            urls.append((ref.url, threads[0].active_at))
    return urls


class SiteGenerator(Generator):
    """Site-wide template data, and the files that describe the site to crawlers."""

    def generate_context(self) -> None:
        self.context["subscribe"] = subscribe_form(self.settings)
        self.context["site_meta"] = site_meta(self.settings)
        intro = self.settings.get("SITE_INTRO", "")
        intro_html = Markdown().convert(intro) if intro else ""
        self.context["site_intro"] = under_site_path(intro_html, site_path(self.settings))
        self.context["site_theme"] = site_theme(self.settings)
        self.context["byline"] = byline(self.settings)
        articles = self.context["articles"]
        self.context["home"] = home_page(
            articles, self.context.get("link_pages"), self.context.get("discussion_pages")
        )
        base = self.context["site_meta"].url
        for article in articles:
            article.share = share_links(article.title, f"{base}/{article.url}")

    def generate_output(self, writer: Any) -> None:
        base = absolute_site_url(self.settings)
        entries = [(f"{base}/{url}", modified) for url, modified in site_urls(self.context)]
        output = Path(self.output_path)
        write_atomically(output / "sitemap.xml", sitemap_xml(entries).encode())
        write_atomically(output / "robots.txt", robots_txt(f"{base}/sitemap.xml").encode())
        write_redirects(self.settings, output)
        self.write_icons(output)

    def write_icons(self, output: Path) -> None:
        theme = self.context["site_theme"]
        name = self.settings["SITENAME"]
        description = self.settings.get("SITE_DESCRIPTION") or ""
        manifest = web_manifest(name, description, site_path(self.settings), theme)
        write_atomically(output / FAVICON, favicon_svg(theme).encode())
        write_atomically(output / TOUCH_ICON, touch_icon_png(theme))
        write_atomically(output / MANIFEST, manifest.encode())


class SearchGenerator(Generator):
    """The /search/ page, and the Pagefind index it queries."""

    def generate_context(self) -> None:
        self.job: SearchIndexJob | None = None
        self.caches = build_state(self.settings).part(SearchCaches)

    def records(self) -> list[SearchRecord]:
        return search_records(self.context, site_path(self.settings), self.caches)

    def start_index(self) -> SearchIndexJob:
        """Called once every generator's context is complete, links and discussions
        included, and before any page is written, so indexing overlaps the writing.

        The records and Pagefind's input are made here, not on the job's thread: there
        they would wait their turns with the writing of the pages.
        """
        records = with_pages(self.records())
        output, language, cache = (
            Path(self.output_path),
            self.settings["DEFAULT_LANG"],
            self.cache(),
        )
        parts = self.caches.planned = plan_parts(records, language)
        missing = missing_parts(parts, cache)
        scratch = scratch_site(missing) if missing else None
        forget_pages(records)  # a preview does not come here: it keeps them
        self.job = SearchIndexJob(
            lambda: records,
            output,
            language,
            self.caches,
            scratch=scratch,
            cache=cache,
            parts=(parts, missing),
        )
        return self.job

    def cache(self) -> Path | None:
        """Where the index's parts are kept from one build to the next, if anywhere."""
        return parts_cache(self.settings)

    def generate_output(self, writer: Any) -> None:
        writer.write_file(
            "search/index.html",
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url="search/",
            search_tags=search_tags(self.context),
        )
        if self.settings.get("HEARTH_PREVIEW"):
            # A live preview's index starts once every page is written (start_preview_index).
            self.caches.waiting = self
        else:
            job = self.job or self.start_index()
            store_pending(build_state(self.settings))  # while Pagefind indexes on the other core
            job.wait()


def start_search_index(generators: list[Generator]) -> None:
    for generator in generators:
        if isinstance(generator, SearchGenerator) and not generator.settings.get("HEARTH_PREVIEW"):
            generator.start_index()


def start_preview_index(pelican: Any) -> None:
    """After a preview build: the edited page is written and the author sees it meanwhile.

    The index of an earlier save, if still running, is stopped: it is out of date.
    """
    caches = build_state(pelican.settings).part(SearchCaches)
    generator, caches.waiting = caches.waiting, None
    if generator is not None:
        output, language = Path(generator.output_path), generator.settings["DEFAULT_LANG"]
        generator.job = SearchIndexJob(
            generator.records, output, language, caches, supersede=True, cache=generator.cache()
        )


def remove_stale_pages(pelican: Any) -> None:
    PreviewWriter.remove_stale_pages(pelican.settings)


def give_build_state(pelican: Any) -> None:
    """A build run by Pelican alone (``pelican``, not ``invoke``) gets a state of its own."""
    if STATE_KEY not in pelican.settings:
        pelican.settings[STATE_KEY] = BuildState()


def get_generators(_pelican: Any) -> tuple[type[Generator], ...]:
    # The cards are drawn before the search page waits for Pagefind, which indexes meanwhile.
    return SiteGenerator, TopicsGenerator, CardsGenerator, SearchGenerator


def move_links_under_site_path(content: Any) -> None:
    """Authors link root-relative ("/issues/3/"); under a sub-path such links must start with it."""
    path = site_path(content.settings)
    if path and getattr(content, "_content", None):
        # Here, before any page or feed reads it, so they all link the same way.
        content._content = under_site_path(content._content, path)
    if isinstance(content, Article) and hasattr(content, "issue"):
        # Its search record and page, now: a build's main process mostly waits for the
        # Markdown workers while Pelican reads the issues, and would make them later,
        # alone, between the last conversion and Pagefind's start.
        record = issue_record(content, path, build_state(content.settings).part(SearchCaches))
        if record is not None:
            record.page  # noqa: B018 -- a cached property, read for its side effect


def keep_static_files(pelican: Any) -> None:
    """Pelican copies a static file only when it is out of date, if so configured: each
    one it knows is produced by this build, copied or not (hearth_site.produced). Once
    every page is written, so that an {attach} link could still move it (hearth_core.statics)."""
    kept = build_state(pelican.settings).part(ProducedFiles)
    for generator in static_generators(pelican.settings):
        for static in generator.staticfiles:
            kept.keep(Path(generator.output_path, static.save_as))


def preview_writer(pelican: Any) -> type[PreviewWriter] | None:
    """A live preview writes only the pages an edit changes; a build writes them all.

    (A build that kept a digest of each page's inputs in the cache, to skip the pages an
    edit left alone, was measured slower: digesting the inputs cost more CPU than
    rendering the pages. See docs/performance.md.)"""
    if pelican.settings.get("HEARTH_PREVIEW") and pagememo.PIN.holds():
        return PreviewWriter
    return None


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(preview_writer)
    signals.generator_init.connect(bodyprints.watch_generator)
    signals.content_written.connect(bodyprints.page_written)
    signals.article_writer_finalized.connect(splicerecord.collect_facts)
    signals.initialized.connect(give_build_state)
    signals.all_generators_finalized.connect(start_search_index)
    signals.finalized.connect(remove_stale_pages)
    signals.finalized.connect(start_preview_index)
    signals.content_object_init.connect(move_links_under_site_path)
    signals.initialized.connect(forget_statics)
    signals.static_generator_finalized.connect(remember_statics)
    signals.finalized.connect(keep_static_files)
    signals.article_generator_init.connect(keptarticles.keep_articles)
    staticlinks.register()
