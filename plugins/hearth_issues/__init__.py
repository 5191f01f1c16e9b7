"""Newsletter issues: strict Markdown sources, issue numbers, archive data."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_issues.plugin import register as connect

    connect()
