"""The site as a whole: validation before a build, the build runner, sitemap, forms."""

from hearth_site.plugin import register

__all__ = ["register"]
