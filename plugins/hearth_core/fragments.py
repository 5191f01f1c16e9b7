"""Small templates rendered once per distinct input, and kept for the next build.

Each of 20,000 member links is shown on three or four pages, and the live
preview builds them all again on every save. A fragment is rendered with its
arguments and SITEURL only, never the rest of the context, so those are all it
can depend on; with the theme's templates, which a build checks first: a
changed template starts afresh.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from jinja2 import Environment, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def theme_version(env: Environment) -> bytes:
    """A digest of every template ``env`` can load, in the order it would find them."""
    digest = hashlib.blake2b(digest_size=16)
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        digest.update(f"{name}\0{source}\0".encode())
    return digest.digest()


# Between the items of a batch: no item's HTML has it (text may not hold control
# characters), and if one did, the count of parts would show it.
_SEPARATOR = "\x00"
# What would behave otherwise in a loop than alone: a variable set in one item would
# still be set in the next, "loop" would be the batch's, and inheritance and macros
# are not meant for it.
_UNSAFE_IN_A_LOOP = re.compile(
    r"\{%[-+]?\s*(?:set|extends|block|macro|call|import|from)\b|\bloop\b|\bself\b|\bsuper\b"
)
_LAST_NEWLINE = re.compile(r"(?:\r\n|\r|\n)\Z")


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
        self._batch: Template | None = None
        self._batch_checked: bool | None = None
        # Whether anything was rendered since the last ``use_kept``, and every item asked
        # for since: what to store for the next process (``kept``).
        self.changed = False
        self._used: set[Hashable] = set()

    def kept(self) -> tuple[bytes, dict[tuple, dict[Hashable, str]]]:
        """What to store for the next process: the theme, and each item asked for since
        this state was made, as rendered for it (not the links an edit replaced)."""
        used = self._used
        rendered = {
            shared: {item: html for item, html in items.items() if item in used}
            for shared, items in self._rendered.items()
        }
        return self._theme, rendered

    def use_kept(self, kept: tuple[bytes, dict[tuple, dict[Hashable, str]]]) -> None:
        """Use what an earlier process rendered; before ``start_build``, which drops it
        if the theme is not the one it was rendered with. Items are values (named
        tuples of text and dates), equal from one process to the next."""
        self._theme, self._rendered = kept

    def start_build(self, env: Environment) -> None:
        """Call once per build, before rendering: a changed theme starts afresh."""
        theme = theme_version(env)
        if theme != self._theme:
            self._rendered = {}
        self._env, self._theme = env, theme
        self._batch, self._batch_checked = self._batch_template(env), None

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
        self._used.update(items)
        try:
            return "".join(map(rendered.__getitem__, items))  # rendered on an earlier page
        except KeyError:
            pass
        missing = [item for item in dict.fromkeys(items) if item not in rendered]
        self.changed = True
        rendered.update(zip(missing, self._render(siteurl, missing, options), strict=True))
        return "".join(map(rendered.__getitem__, items))

    def _render(self, siteurl: str, items: list[Hashable], options: dict[str, Any]) -> list[str]:
        one_by_one = self._one_by_one(siteurl, options)
        if self._batch is None or self._batch_checked is False:
            return list(map(one_by_one, items))
        done = []
        if self._batch_checked is None:
            # The first item alone and in a loop: the same HTML, or no more loops.
            done = [one_by_one(items[0])]
            self._batch_checked = self._in_batch(siteurl, items[:1], options) == done
            if not self._batch_checked:
                return done + list(map(one_by_one, items[1:]))
        rest = items[len(done) :]
        return done + (self._in_batch(siteurl, rest, options) or list(map(one_by_one, rest)))

    def _one_by_one(self, siteurl: str, options: dict[str, Any]) -> Callable[[Hashable], str]:
        template = self._env.get_template(self.name)  # type: ignore[union-attr]
        return lambda item: template.render(SITEURL=siteurl, **{self.item_name: item}, **options)

    def _in_batch(
        self, siteurl: str, items: list[Hashable], options: dict[str, Any]
    ) -> list[str] | None:
        """Each item's HTML, from one render of the template in a loop, or None if an
        item's own HTML holds the separator."""
        assert self._batch is not None
        rendered = self._batch.render(SITEURL=siteurl, hearth_items=items, **options)
        parts = rendered.split(_SEPARATOR)
        return parts[:-1] if len(parts) == len(items) + 1 else None

    def _batch_template(self, env: Environment) -> Template | None:
        """The template's source in a loop over many items; one render of it costs a
        quarter less than rendering each item alone, which makes a new context each time."""
        source = env.loader.get_source(env, self.name)[0] if env.loader else ""
        if _UNSAFE_IN_A_LOOP.search(source):
            return None
        if not env.keep_trailing_newline:
            source = _LAST_NEWLINE.sub("", source)  # as Jinja drops it from a template
        loop = f"{{% for {self.item_name} in hearth_items %}}\n{source}{_SEPARATOR}{{% endfor %}}"
        return _compiled(env, f"{self.name}, in a loop", loop)

    def in_template(self) -> Callable[..., Markup]:
        """A function for templates, given the items: it takes SITEURL from the page."""

        @pass_context
        def render_all(context: Context, items: Iterable[Hashable], **options: Any) -> Markup:
            return Markup(self.render_all(context.get("SITEURL", ""), items, **options))

        # A page that calls it needs writing again only when its arguments change
        # (hearth_site/pagememo.py): the fragments follow them, SITEURL and the theme.
        render_all.renders_only_its_arguments = True  # type: ignore[attr-defined]
        return render_all


def _compiled(env: Environment, name: str, source: str) -> Template:
    """``env.from_string(source)``, through the environment's bytecode cache as Jinja's
    loaders use it: Pelican makes new environments for every build of a live preview."""
    cache = env.bytecode_cache
    if cache is None:
        return env.from_string(source)
    bucket = cache.get_bucket(env, name, None, source)
    if bucket.code is None:
        bucket.code = env.compile(source, name)
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None))
