"""Writing one page of a Hearth generator: the one call its pages share."""

from __future__ import annotations

from typing import Any


def write_page(generator: Any, writer: Any, url: str, template: str, **data: Any) -> None:
    """The page at ``url`` ("topics/tools/"), as ``<url>index.html``, from ``template``
    with the generator's context, ``url`` and ``data``, through Pelican's ``writer``."""
    writer.write_file(
        f"{url}index.html",
        generator.get_template(template),
        generator.context,
        relative_urls=generator.settings["RELATIVE_URLS"],
        url=url,
        **data,
    )
