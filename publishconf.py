"""Settings for publishing: pelicanconf.py plus the public address.

Set HEARTH_SITEURL in the environment (for example https://news.example.org)
or edit PUBLIC_URL below before publishing your own newsletter.
"""

import os
import sys
from urllib.parse import urlsplit

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

PUBLIC_URL = "https://theworkbench.example"
# Addresses read elsewhere (feeds, canonical links, the sitemap, link cards) are absolute.
FEED_DOMAIN = os.environ.get("HEARTH_SITEURL", PUBLIC_URL).rstrip("/")
# Everything a browser loads or follows is root-relative ("/issues/3/", or "/news/issues/3/"
# below https://owner.github.io/news): the same pages work live and in `invoke serve`.
SITEURL = urlsplit(FEED_DOMAIN).path.rstrip("/")
RELATIVE_URLS = False
# Never empty output/: the build cache reuses it, and each build removes what the last
# one made and it did not (hearth_site.produced). `invoke publish` builds into a fresh
# staging folder of its own.
DELETE_OUTPUT_DIRECTORY = False
HEARTH_ISSUES = {"show_drafts": False}

# Where `invoke publish` deploys: "folder" (a folder a web server serves, swapped in whole),
# "rsync" (over SSH, to user@host:/path/) or "gh-pages" (a branch, with ghp-import). Each can
# come from the environment, so a server's address need not be committed; put no secrets here.
HEARTH_PUBLISH = {
    "target": os.environ.get("HEARTH_PUBLISH_TARGET", ""),
    "folder": os.environ.get("HEARTH_PUBLISH_FOLDER", ""),
    "rsync": os.environ.get("HEARTH_RSYNC_DEST", ""),
    "branch": os.environ.get("HEARTH_PUBLISH_BRANCH", "gh-pages"),
}
