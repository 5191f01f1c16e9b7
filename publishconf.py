"""Settings for publishing: pelicanconf.py plus the public address.

Set HEARTH_SITEURL in the environment (for example https://news.example.org)
or edit PUBLIC_URL below before publishing your own newsletter.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

PUBLIC_URL = "https://theworkbench.example"
SITEURL = os.environ.get("HEARTH_SITEURL", PUBLIC_URL).rstrip("/")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
HEARTH_ISSUES = {"show_drafts": False}
