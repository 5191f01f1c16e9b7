"""Newsletter issues: strict Markdown sources, issue numbers, archive data."""

from hearth_issues.plugin import register

__all__ = ["register"]
