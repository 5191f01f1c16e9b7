"""Atom, RSS and JSON Feed output: one feed stack for every Hearth feed."""

from hearth_feeds.plugin import register

__all__ = ["register"]
