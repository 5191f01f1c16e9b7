"""Links to the wider web: a webring, fediverse attribution and `invoke check-links`."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_linkhealth.plugin import register as connect

    connect()
