"""Email: one issue rendered for inboxes (HTML with inlined CSS, and plain text), and its checks."""


def register() -> None:
    """Pelican's entry point (the build publishes the PNGs emails show for SVGs); imported
    late, so that `invoke email` does not load Pelican's wiring."""
    from hearth_email.plugin import register as connect

    connect()
