"""Community links: members' YAML files, validated, de-duplicated and safe to render."""

from hearth_members.plugin import register

__all__ = ["register"]
