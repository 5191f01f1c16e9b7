"""Recommendations: other newsletters, communities and blogs, as a page, Ghost's
recommendations.json and OPML blogrolls; and the neighbours' latest posts."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_recommendations.plugin import register as connect

    connect()
