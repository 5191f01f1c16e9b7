"""Small templates rendered once per distinct input, and kept for the next build.

Each of 20,000 member links is shown on three or four pages, and the live
preview builds them all again on every save. A fragment is rendered with its
arguments and SITEURL only, never the rest of the context, so those are all it
can depend on; with the theme's templates, which a build checks first: a
changed template starts afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def theme_version(env: Environment) -> bytes:
    """A digest of every template ``env`` can load, in the order it would find them."""
    digest = hashlib.blake2b(digest_size=16)
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        digest.update(f"{name}\0{source}\0".encode())
    return digest.digest()


class Fragments:
    """Renders the template ``name`` for one ``item`` at a time (passed to it as
    ``item_name``); what a build rendered, the next ones reuse while the theme is the same.

    Everything rendered is kept, not only what the last build used: a live preview
    skips the pages an edit leaves as they were (hearth_site/pagememo.py), so a build
    may use none of the 20,000 links the next one needs again. An item is a value,
    so the HTML kept for it never goes stale; an edited item is a new one.
    """

    def __init__(self, name: str, item_name: str) -> None:
        self.name = name
        self.item_name = item_name
        self._env: Environment | None = None
        self._theme = b""
        # By SITEURL and options, then by item: a page joins its items in one call.
        self._rendered: dict[tuple, dict[Hashable, str]] = {}

    def start_build(self, env: Environment) -> None:
        """Call once per build, before rendering: a changed theme starts afresh."""
        theme = theme_version(env)
        if theme != self._theme:
            self._rendered = {}
        self._env, self._theme = env, theme

    def render(self, siteurl: str, item: Hashable, **options: Hashable) -> str:
        """Plain ``str``: Markup would escape any string it is joined to in Python."""
        return self.render_all(siteurl, (item,), **options)

    def render_all(self, siteurl: str, items: Iterable[Hashable], **options: Hashable) -> str:
        """Each item rendered with the same ``options``, joined."""
        if self._env is None:
            raise RuntimeError(f"Fragments({self.name!r}).start_build was not called")
        shared = (siteurl, *sorted(options.items()))
        rendered = self._rendered.setdefault(shared, {})
        items = tuple(items)
        try:
            return "".join(map(rendered.__getitem__, items))  # rendered on an earlier page
        except KeyError:
            pass
        template = self._env.get_template(self.name)
        for item in items:
            if item not in rendered:
                data = {self.item_name: item, **options}
                rendered[item] = template.render(SITEURL=siteurl, **data)
        return "".join(map(rendered.__getitem__, items))

    def in_template(self) -> Callable[..., Markup]:
        """A function for templates, given the items: it takes SITEURL from the page."""

        @pass_context
        def render_all(context: Context, items: Iterable[Hashable], **options: Any) -> Markup:
            return Markup(self.render_all(context.get("SITEURL", ""), items, **options))

        # A page that calls it needs writing again only when its arguments change
        # (hearth_site/pagememo.py): the fragments follow them, SITEURL and the theme.
        render_all.renders_only_its_arguments = True  # type: ignore[attr-defined]
        return render_all
