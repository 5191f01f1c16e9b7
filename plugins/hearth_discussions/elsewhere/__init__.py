"""Discussed elsewhere: where the wider web (Hacker News, Lobsters, Lemmy, Reddit)
already talks about the links an issue features or a member shares.

``invoke sync-discussions --elsewhere`` asks (``run``, with ``clients``) and writes
the committed file (``store``); the build reads it and shows each link's
"Also discussed on ..." (``site``).
"""
