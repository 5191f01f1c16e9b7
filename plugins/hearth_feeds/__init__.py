"""Atom, RSS and JSON Feed output: one feed stack for every Hearth feed."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_feeds.plugin import register as connect

    connect()
