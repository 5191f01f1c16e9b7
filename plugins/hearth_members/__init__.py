"""Community links: members' YAML files, validated, de-duplicated and safe to render."""


def register() -> None:
    """Pelican's entry point; imported late so the plain modules load without Pelican wiring."""
    from hearth_members.plugin import register as connect

    connect()
