"""Settings for building The Workbench, Hearth's demo newsletter, locally.

Everything a newsletter author changes is at the top; the rest keeps Pelican's
output to exactly the pages the theme uses.
"""

AUTHOR = "Mara Lindqvist"
SITENAME = "The Workbench"
SITE_DESCRIPTION = "A weekly letter for people who make small things on the side."
SITE_INTRO = (
    "**The Workbench** is a weekly letter for people who make small things on the side: "
    "apps, type, zines, tools and the odd birdhouse. Every Friday: what members are building, "
    "links they found, and one idea worth stealing."
)
# Pages link root-relative ("/issues/3/") so the local preview works on any port;
# feeds and the sitemap need absolute URLs and use FEED_DOMAIN.
SITEURL = ""
FEED_DOMAIN = "http://localhost:8000"
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "en"
# "%-d" is the day without a leading zero: Pelican and Hearth read it themselves
# (hearth_core.dates), on every platform; only C89's directives reach strftime.
DEFAULT_DATE_FORMAT = "%a %-d %B %Y"

# The author's fediverse handle, shown in each issue's byline; leave empty for none.
AUTHOR_FEDIVERSE = "@mara@social.theworkbench.example"

# The community's look, without touching CSS (docs/design.md):
# accent: links and buttons, as #rrggbb, readable on the light page (4.5:1);
# accent_dark: the same for the dark theme (made from accent when left out);
# heading_font: serif, sans, slab, humanist, mono, or installed families
#   ("Charter, Georgia, serif"): Hearth loads no font from another host;
# logo: an .svg, .png or .webp under content/images/, beside the site's name.
HEARTH_THEME = {
    "accent": "#a33a0b",
    "heading_font": "serif",
    "logo": "",
}

# Buttondown username for the subscribe form; leave empty to show no form.
BUTTONDOWN_USERNAME = "theworkbench"

HEARTH_ISSUES = {"show_drafts": False}
HEARTH_FEEDS = {"limit": 20}
# Community links: members add them by pull request to content/members/<login>.yml.
HEARTH_MEMBERS = {
    # The topics a member link may carry.
    "tags": [
        "apps",
        "design",
        "typography",
        "writing",
        "zines",
        "side-projects",
        "tools",
        "shipping",
        "accessibility",
    ],
    # GitHub logins allowed to change any member's file in a pull request.
    "moderators": ["mara"],
    # New links one member may add in any 7 days.
    "weekly_link_limit": 5,
    # How many of the newest links /links/ shows; the rest are on their month's page.
    "recent_links": 50,
}

# Where the community talks: shown on /community/ and used to label discussions.
# Each space: platform (discourse, mastodon, github, reddit, discord, slack,
# matrix, zulip or other), name, url, and optionally join (the invite or sign-up
# address, if not url), description, and api (where `invoke sync-discussions`
# asks for activity, when not the platform's usual address).
HEARTH_DISCUSSIONS = {
    "spaces": [
        {
            "platform": "discourse",
            "name": "The Workbench forum",
            "url": "https://forum.theworkbench.example/",
            "join": "https://forum.theworkbench.example/signup",
            "description": "Long-form threads: one for every issue, critique threads and "
            "the monthly show and tell.",
        },
        {
            "platform": "discord",
            "name": "The Workbench Discord",
            "url": "https://discord.com/channels/1187654321098765432",
            "join": "https://discord.gg/theworkbench",
            "description": "The chat for quick questions, work in progress and the Friday "
            "co-working hour.",
        },
        {
            "platform": "mastodon",
            "name": "@workbench@social.theworkbench.example",
            "url": "https://social.theworkbench.example/@workbench",
            "description": "Each issue is posted here; reply to talk about it from any "
            "fediverse account.",
        },
        {
            "platform": "github",
            "name": "Community discussions on GitHub",
            "url": "https://github.com/theworkbench/community/discussions",
            "description": "Questions about tools and code, next to the repository members "
            "use to share links.",
        },
        {
            "platform": "matrix",
            "name": "#workbench-zines on Matrix",
            "url": "https://matrix.to/#/#workbench-zines:matrix.org",
            "description": "The zine makers' room: swaps, printing and folding.",
        },
    ],
    # How many active discussions the home page shows.
    "home_limit": 5,
}

PATH = "content"
ARTICLE_PATHS = ["issues"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Member and discussion data are read by their own plugins, never as articles.
ARTICLE_EXCLUDES = ["members", "discussions"]
PAGE_EXCLUDES = ["members", "discussions", "issues"]
IGNORE_FILES = [".*", "#*", "_*"]

THEME = "theme"
THEME_STATIC_DIR = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "hearth_issues",
    "hearth_members",
    "hearth_discussions",
    "hearth_feeds",
    "hearth_site",
    # Publishes a PNG beside each SVG image: emails show it, as inboxes show no SVG.
    "hearth_email",
]
READERS = {"rst": None, "html": None, "htm": None}
# Each build makes a new template environment, so checking the theme files for
# changes while it renders (once per included template) would only cost time.
# Every value a template prints is escaped unless the build made it as HTML
# (`invoke build` turns autoescape on whatever this says).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "auto_reload": False,
    "autoescape": True,
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_class": "headerlink",
            "permalink_title": "Link to this section",
        },
    },
    "output_format": "html5",
}

ARTICLE_ORDER_BY = "reversed-number"
ARTICLE_URL = "issues/{number}/"
ARTICLE_SAVE_AS = "issues/{number}/index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# Topic pages gather the issues, member links and discussions on a topic: Hearth writes
# them (plugins/hearth_site/topics.py), at TAG_URL; Pelican's issue-only pages are off.
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = "issues/index.html"
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "archives", "404"]
# Pelican reads this key from settings by template name.
globals()["404_SAVE_AS"] = "404.html"

# Outputs the theme does not use: off, so no page is a copy of another.
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DEFAULT_PAGINATION = False
# Folder-style pagination keeps "tag1" page 3 apart from "tag13", should
# pagination ever be turned on.
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Hearth writes every feed itself (plugins/hearth_feeds): Pelican's writer is off.
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Moving an archive here (`invoke import-archive`, plugins/hearth_import): the old
# addresses of imported posts are kept in content/extra/redirects; the build publishes
# them in /_redirects (with Bridgy Fed's lines, when HEARTH_FEDIVERSE turns it on).
HEARTH_IMPORT = {"max_image_bytes": 10 * 1024 * 1024, "timeout_seconds": 20.0, "old_hosts": []}

# Announce: `invoke announce --issue N` opens the issue's threads on these targets, in
# order; the first is the primary one, which an empty `Discussion:` header is set to.
# Credentials come from the environment only (docs/announce.md names them).
HEARTH_ANNOUNCE = {
    "targets": [
        {"platform": "discourse", "url": "https://forum.theworkbench.example", "category": 5},
        {"platform": "github", "repository": "theworkbench/community", "category": "Issues"},
        {"platform": "mastodon", "url": "https://social.theworkbench.example"},
        {"platform": "bluesky", "handle": "theworkbench.example"},
    ],
    "texts": {
        "title": "Issue {number}: {title}",
        "post": "{summary}\n\nRead issue {number}, then tell us what you think here: {url}",
        "status": "Issue {number} of The Workbench: {title}. {summary} {url}",
    },
}

# Conversations wherever the community is (Bluesky, Hacker News, Lobsters, Lemmy ...).
# The hosts whose /post/<id> addresses are Lemmy posts: here the big instances the
# community uses and its own; not set, a default list of the largest. Sync asks each
# platform's public API; "apis" (or HEARTH_<PLATFORM>_API) would name another address.
HEARTH_DISCUSSIONS = {
    **HEARTH_DISCUSSIONS,
    "lemmy_instances": ["lemmy.world", "lemmy.ml", "programming.dev", "lemmy.theworkbench.example"],
    "apis": {},
}
# Links to the wider web (hearth_linkhealth, docs/links.md): a webring in the footer,
# the newsletter's fediverse accounts, and `invoke check-links`.
PLUGINS = [*PLUGINS, "hearth_linkhealth"]
# The ring: its name and page, and previous/next/random addresses as the ring gives
# them, or its OPML file under content/ with this site's address as that file lists it.
HEARTH_WEBRING = {
    "name": "The Small Letters Ring",
    "home": "https://smallletters.example/",
    "previous": "https://smallletters.example/previous?from=theworkbench.example",
    "next": "https://smallletters.example/next?from=theworkbench.example",
    "random": "https://smallletters.example/random",
}
HEARTH_FEDIVERSE = {
    # The newsletter's own accounts: linked with rel="me" on every page, so a profile
    # that links here shows as verified.
    "accounts": [
        {
            "name": "@workbench@social.theworkbench.example",
            "url": "https://social.theworkbench.example/@workbench",
        },
    ],
    # True writes _redirects, so that on Netlify or Cloudflare Pages Bridgy Fed makes the
    # newsletter followable as @theworkbench.example@theworkbench.example. Off here: the
    # demo is published on GitHub Pages, which cannot redirect; readers follow
    # @theworkbench.example@web.brid.gy there (docs/links.md).
    "bridgy_fed": False,
}

# `invoke check-links`: how long a good link rests before it is asked again, and more.
HEARTH_LINKHEALTH = {"recheck_after": "20d"}
# Discussed elsewhere (issue 26): `invoke sync-discussions --elsewhere` looks for
# discussions of the featured and shared links on other sites; pages show them from
# content/discussions/elsewhere.json. Every key is optional (docs/configuration.md).
HEARTH_ELSEWHERE = {
    "platforms": ["hackernews", "lobsters", "lemmy", "reddit"],
    "lemmy_instances": ["lemmy.world", "lemmy.ml"],
    "issues": 10,
    "days": 90,
    "budget": 200,
}

# Recommendations, blogrolls and neighbours (hearth_recommendations, docs/recommendations.md):
# content/recommendations.yml becomes /recommendations/, /.well-known/recommendations.json
# and /blogroll.opml; `invoke sync-neighbours` keeps the recommended sites' latest posts in
# content/neighbours.json, which the home page shows as "From our neighbours".
PLUGINS += ["hearth_recommendations"]
HEARTH_RECOMMENDATIONS = {
    "file": "recommendations.yml",
    "neighbours_file": "neighbours.json",
    "posts_per_site": 3,
    "home_limit": 5,
    # Each issue's email shows "From our neighbours" too, after "From the community".
    "email": True,
}
