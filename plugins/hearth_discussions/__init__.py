"""Discussions: the community's chat spaces and one index of every conversation."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_discussions.plugin import register as connect

    connect()
