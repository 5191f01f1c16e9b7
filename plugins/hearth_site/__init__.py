"""The site as a whole: validation before a build, the build runner, sitemap, forms."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_site.plugin import register as connect

    connect()
