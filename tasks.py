"""Tasks for writing, previewing and publishing the newsletter: `invoke --list`."""

from __future__ import annotations

import atexit
import functools
import gc
import inspect
import logging
import os
import shutil
import sys
import threading
from pathlib import Path

from invoke import Exit, task

sys.path.insert(0, str(Path(__file__).parent / "plugins"))
sys.path.insert(1, str(Path(__file__).parent / "benchmarks"))

from hearth_core.console import guard_output
from hearth_core.errors import HearthError
from hearth_core.problems import ContentError, display_path
from hearth_core.settings import SettingsError
from hearth_site import arguments
from hearth_site.arguments import ArgumentError

# Each line a task prints reaches a pipe at once (a CI log, `| tee`, a test waiting for
# "Serving a live preview"), not when a block of output fills or the task ends.
if hasattr(sys.stdout, "reconfigure"):
    sys.stdout.reconfigure(line_buffering=True)
# In a CI log, nothing a task prints (a member's key or file name in a message) may be
# read as a workflow command: see hearth_core.console.
guard_output()

# As a command ends, Python frees everything it made, and its last cycle collections
# scan all of it first: a third of a second for `invoke email` on a large archive.
# Every file is written and closed by then; frozen objects are only not scanned.
atexit.register(gc.freeze)

# invoke turns off writing bytecode, to keep tasks.pyc out of projects. Hearth's own
# modules would then be compiled again by every command: a sixth of `invoke email`.
# As Python does by default, unless the environment asks it not to.
sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))

CONFIG = "pelicanconf.py"
PUBLISH_CONFIG = "publishconf.py"
OUTPUT = Path("output")
PORT = "8000"  # a string, so that tasks read it (invoke's int() takes "١٢" and fails on "²")


def failure_message(
    error: HearthError, failed: str = "", not_done: str = "", config: str = CONFIG
) -> str:
    """What a task prints when it fails with ``error``: the problems in content, or a
    setting at its ``file:line`` in ``config`` (or what it star-imports), with ``not_done``
    (or ``failed``) after them; any other failure after ``failed``; a wrong option alone."""
    if isinstance(error, SettingsError) and error.setting:
        from hearth_core.settingsplace import placed

        after = not_done or failed
        line = str(placed(error, config))
        return f"{line}\n{after}: fix the setting above." if after else line
    if isinstance(error, ContentError) and not_done:
        return f"{error}\n{not_done}: fix the problems above."
    if failed and not isinstance(error, ArgumentError):
        return f"{failed}: {error}"
    return str(error)


def reported(failed: str = "", not_done: str = "", settings_file: str = CONFIG):
    """Turn each HearthError ``body`` raises into invoke's Exit with its message, code 1:
    the one place where a task's failures are printed, never as a traceback.
    ``failed`` may name the task's arguments: "Cannot render issue {issue}".
    ``settings_file`` is the file the task loads its settings from, where a wrong setting
    is looked for; a ``config`` argument of ``body`` names it instead."""

    def decorate(body):
        signature = inspect.signature(body)

        @functools.wraps(body)
        def run(*args, **kwargs):
            try:
                return body(*args, **kwargs)
            except HearthError as error:
                bound = signature.bind(*args, **kwargs)
                given = dict(bound.arguments)
                context = failed.format_map(
                    {name: str(value).strip() for name, value in given.items()}
                )
                bound.apply_defaults()
                config = str(bound.arguments.get("config") or settings_file)
                message = failure_message(error, context, not_done, config)
                raise Exit(message, code=1) from None

        return run

    return decorate


def hearth_task(
    *args,
    failed: str = "",
    not_done: str = "",
    values: dict[str, str] | None = None,
    settings_file: str = CONFIG,
    **kwargs,
):
    """invoke's ``@task``, with the task's failures printed by ``reported``.

    ``values`` names what each option takes: {"preview": "EMAIL"} makes its help read
    "EMAIL: ...". invoke itself shows only STRING or INT beside an option, and nothing
    beside one that may be repeated, which then reads like a plain flag.
    ``settings_file``: PUBLISH_CONFIG for a task that reads publishconf.py's settings.
    """
    if args and callable(args[0]):  # @hearth_task without arguments
        return task(reported()(args[0]))
    if values:
        given = kwargs.get("help", {})
        kwargs["help"] = given | {name: f"{value}: {given[name]}" for name, value in values.items()}
    return lambda body: task(*args, **kwargs)(reported(failed, not_done, settings_file)(body))


def _settings(config: str = CONFIG, drafts: bool = False, preview: bool = False) -> dict:
    from hearth_core.settings import load_settings

    overrides: dict = {"OUTPUT_PATH": str(OUTPUT)}
    if drafts:
        overrides["HEARTH_ISSUES"] = {"show_drafts": True}
    if preview:
        # A live preview reloads the page before the search index is rebuilt.
        overrides["HEARTH_PREVIEW"] = True
    return load_settings(config, overrides)


@reported(failed="Build failed", not_done="The site was not built")
def _build(config: str = CONFIG, drafts: bool = False, preview: bool = False, state=None) -> None:
    """One build; a live preview passes its process's build state to every build."""
    from pelican.log import init as init_logging

    from hearth_site.lastbuild import build_unless_unchanged

    init_logging(level=logging.WARNING)
    settings = _settings(config, drafts, preview)
    drafted = " (with drafts)" if drafts else ""
    if state is not None:  # a live preview: its state keeps what it needs
        from hearth_site.build import build

        build(settings, state)
    elif not build_unless_unchanged(settings):
        print(f"Nothing changed since the last build: {OUTPUT}/ is up to date{drafted}")
        return
    print(f"Built the site in {OUTPUT}/{drafted}")


@hearth_task
def clean(c):
    """Remove the generated site in output/ and what builds keep in cache/.

    Example: invoke clean
    """
    for folder in (OUTPUT, Path("cache")):
        if folder.is_dir():
            shutil.rmtree(folder)


@hearth_task(help={"drafts": "also build draft issues, marked as drafts (local preview only)"})
def build(c, drafts=False):
    """Check the content, then build the site into output/ with pelicanconf.py.

    Example: invoke build --drafts
    """
    _build(CONFIG, drafts)


@hearth_task(help={"drafts": "also build draft issues, marked as drafts"})
def rebuild(c, drafts=False):
    """Remove output/ and build the site again.

    Example: invoke rebuild
    """
    clean(c)
    _build(CONFIG, drafts)


@hearth_task
def check(c):
    """Check everything a build reads without building; list each problem as path:line.

    Whatever it accepts builds. A problem in a draft is listed too, but only leaves that
    draft out of builds: it fails neither this check nor a build.

    Example: invoke check
    """
    from hearth_site.check import draft_warning, load_site_content

    content = load_site_content(_settings())
    if content.draft_problems:
        print(draft_warning(content.draft_problems), file=sys.stderr)
    if content.problems:
        found = "\n".join(map(str, content.problems))
        raise Exit(f"{found}\n{len(content.problems)} problem(s) found.", code=1)
    print(
        "No problems found." if not content.draft_problems else "No problems found outside drafts."
    )


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    values={"port": "PORT", "bind": "ADDRESS"},
    help={"port": f"port to listen on (default {PORT})", "bind": "address (default localhost)"},
)
def serve(c, port=PORT, bind="localhost"):
    """Serve output/ at http://localhost:8000 until Ctrl-C.

    Example: invoke serve --port 8001
    """
    from hearth_site.meta import site_path
    from hearth_site.serve import preview_server

    number = arguments.port(port)
    bind = arguments.bind_address(bind)
    if not (OUTPUT / "index.html").is_file():
        raise Exit("Nothing to serve: run `invoke build` first.", code=1)
    # After `invoke preview`, pages link below the public address's path, if it has one.
    below = site_path(_settings(PUBLISH_CONFIG)) if Path(PUBLISH_CONFIG).is_file() else ""
    server = _listening(lambda: preview_server(OUTPUT, bind, number, below), number, bind)
    print(f"Serving {OUTPUT}/ at http://{bind}:{number}{below}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _listening(make_server, port: int, bind: str = "localhost"):
    try:
        return make_server()
    except OSError as error:
        message = (
            f"Cannot listen on port {port} of {bind} ({error.strerror or error}): stop what "
            "uses it, or choose another with --port N"
        )
        raise Exit(message, code=1) from None


@hearth_task(
    values={"port": "PORT"},
    help={"port": f"port to listen on (default {PORT})", "drafts": "include drafts"},
)
def reserve(c, port=PORT, drafts=False):
    """Build the site, then serve it.

    Example: invoke reserve --drafts --port 8001
    """
    arguments.port(port)  # before the build, not after it
    _build(CONFIG, drafts)
    serve(c, port)


@hearth_task(help={"drafts": "include drafts"})
def regenerate(c, drafts=False):
    """Build, then rebuild whenever content, theme, plugins or settings change.

    Example: invoke regenerate --drafts
    """
    from hearth_core.state import BuildState
    from hearth_core.stored import store_pending

    state = BuildState()  # one for the preview's process: each save redoes what changed
    try:
        _build_reporting(drafts, state)
        for _changes in _saves(_watched_files()):
            _build_reporting(drafts, state)
            gc.collect()  # while the author reads: see hearth_site.build
    finally:
        store_pending(state)


WATCHED = ("content", "theme", "plugins", CONFIG)


def _watched_files() -> dict[str, tuple[int, int]]:
    """Each watched file's size and time of change."""
    found = {}
    for top in map(Path, WATCHED):
        for path in [top] if top.is_file() else top.rglob("*"):
            if "__pycache__" not in path.parts and path.is_file():
                status = path.stat()
                found[str(path)] = (status.st_size, status.st_mtime_ns)
    return found


def _saves(before: dict[str, tuple[int, int]]):
    """Each batch of saves to the watched files from now on. A save made after ``before``
    was taken but before the watcher started (it starts a moment after the preview says it
    serves) counts too: it was missed, and a preview then showed the old text."""
    from watchfiles import watch

    started = False
    for changes in watch(*WATCHED, yield_on_timeout=True, rust_timeout=200):
        if changes:
            started = True
            yield changes
        elif not started:  # the watcher has run a while: what changed before it?
            started = True
            if _watched_files() != before:
                yield set()


def _build_reporting(drafts: bool, state) -> bool:
    """Build for the preview; on a failure, say why and keep watching."""
    try:
        _build(CONFIG, drafts, preview=True, state=state)
    except Exit as failure:
        print(failure.message, file=sys.stderr)
        return False
    return True


@hearth_task(settings_file=PUBLISH_CONFIG)
def preview(c):
    """Build the site as it will be published (publishconf.py) into output/.

    Example: invoke preview && invoke serve
    """
    _build(PUBLISH_CONFIG)


def _publish(kind: str = "", dry_run: bool = False, push: bool = False) -> None:
    from pelican.log import init as init_logging

    from hearth_site.publish import publish as publish_site

    init_logging(level=logging.WARNING)
    publish_site(PUBLISH_CONFIG, kind=kind, dry_run=dry_run, push=push)


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    help={"dry-run": "build and check the site, then say how it would be deployed"},
)
def publish(c, dry_run=False):
    """Build with publishconf.py into a staging folder, check it, then deploy it.

    Example: invoke publish --dry-run
    """
    _publish(dry_run=dry_run)


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    name="gh-pages",
    help={
        "push": "also push the branch to origin (GitHub Pages then serves it)",
        "dry-run": "build and check the site, then say what would be committed",
    },
)
def gh_pages(c, push=False, dry_run=False):
    """Build and check the site, then commit it to the gh-pages branch with ghp-import.

    Example: invoke gh-pages --push
    """
    _publish("gh-pages", dry_run=dry_run, push=push)


@hearth_task(
    values={"port": "PORT"},
    help={"port": f"port to listen on (default {PORT})", "drafts": "include drafts"},
)
def livereload(c, port=PORT, drafts=False):
    """Serve the site, rebuild on every change, and reload the pages open in a browser.

    Example: invoke livereload --drafts
    """
    from hearth_core.state import BuildState
    from hearth_core.stored import store_pending
    from hearth_site.serve import Builds, live_preview_server

    number = arguments.port(port)
    state = BuildState()  # one for the preview's process: each save redoes what changed
    _build_reporting(drafts, state)
    before = _watched_files()
    builds = Builds()
    server = _listening(lambda: live_preview_server(OUTPUT, builds, "localhost", number), number)
    threading.Thread(target=server.serve_forever, name="preview", daemon=True).start()
    print(f"Serving a live preview of {OUTPUT}/ at http://localhost:{number}/ (Ctrl-C to stop)")
    try:
        for _changes in _saves(before):
            if _build_reporting(drafts, state):
                builds.finished()
            gc.collect()  # while the author reads: see hearth_site.build
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        store_pending(state)


@hearth_task(
    values={"title": "TITLE"},
    help={"title": "the new issue's title (asked for when left out on a terminal)"},
)
def new_issue(c, title=None):
    """Create the next numbered issue in content/issues/, dated today, as a draft.

    Example: invoke new-issue --title "Spring cleaning"
    """
    from hearth_issues.collect import load_issues
    from hearth_issues.newissue import create_issue
    from hearth_issues.source import site_today
    from hearth_members.community import pending_links
    from hearth_members.site import load_community

    title = arguments.issue_title(_asked_title() if title is None else title)
    settings = _settings()
    issues_dir = Path(settings["PATH"], settings["ARTICLE_PATHS"][0])
    issues = load_issues(issues_dir)[0]
    members = load_community(settings, issues)[0]
    published = [issue for issue in issues if not issue.is_draft]
    pending = pending_links(published, [link for m in members for link in m.links])
    topics = _topics_in_use(settings, issues)
    # Today where the site is, as its issues' dates are read: not the machine's own day.
    today = site_today(settings)
    path = create_issue(issues_dir, title, today, [link.url for link in pending], topics)
    print(f"Created {display_path(path)}: edit it, then remove `Status: draft` to publish it.")
    if pending:
        print(
            f"Its Community: header lists the {len(pending)} member link(s) shared since the "
            "last issue; remove any this issue should not feature."
        )


def _asked_title() -> str:
    """The title, asked for on a terminal; elsewhere (CI, a script) --title is required."""
    if not sys.stdin.isatty():
        raise Exit('Give the new issue a title: invoke new-issue --title "Spring cleaning"', code=1)
    try:
        return input("Title of the new issue: ")
    except (EOFError, KeyboardInterrupt):
        print()
        raise Exit("No title given: no issue was created.", code=1) from None


def _topics_in_use(settings: dict, issues: list) -> list[str]:
    """The issues' topics, then the member links' configured ones, each once."""
    configured = settings.get("HEARTH_MEMBERS", {}).get("tags", [])
    found = [tag for issue in issues for tag in issue.tags] + list(configured)
    return list(dict.fromkeys(found))


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    values={"issue": "N"},
    help={"issue": "the issue's number"},
    failed="Cannot render issue {issue}",
)
def email(c, issue=""):
    """Render one issue for email into output/email/N.html and N.txt, and run the checks.

    N.html shows its images from copies beside it, in output/email/images/.

    Example: invoke email --issue 12
    """
    from hearth_email.checks import preflight, warnings
    from hearth_email.render import render_email, write_email

    number = arguments.issue_number(issue)
    rendered = render_email(_settings(PUBLISH_CONFIG), number)
    for path, size in write_email(rendered, OUTPUT / "email"):
        print(f"Wrote {display_path(path)} ({size / 1024:.1f} KB)")
    for warning in warnings(rendered):
        print(f"Warning: {warning}", file=sys.stderr)
    failed = preflight(rendered)
    if failed:
        listed = "\n".join(f"- {check}" for check in failed)
        raise Exit(
            f"{listed}\n{len(failed)} check(s) failed: `invoke send` refuses this email "
            "until they are fixed (or given --force).",
            code=1,
        )
    print("All checks passed.")


@hearth_task(
    values={"scale": "SCALE", "keep": "FOLDER", "saves": "N"},
    help={
        "scale": "archive size: 1 is 700 issues, 200 members, 20,000 links, 2,000 discussions",
        "scaling": "also run at twice the scale and check that every figure at most doubles",
        "keep": "keep the generated project in this folder instead of a temporary one",
        "saves": "saves of one issue in the live preview before its memory is measured again",
        "no_lighthouse": "leave out Lighthouse's mobile performance score of the archive's pages",
    },
)
def bench(c, scale="1", scaling=False, keep="", saves="100", no_lighthouse=False):
    """Benchmark Hearth against plain Pelican on a synthetic archive; print a table.

    Example: invoke bench --scale 0.1
    """
    from hearth_bench.report import bench_command

    size = arguments.scale(scale)
    try:
        folder = Path(keep) if keep else None
        print(bench_command(Path.cwd(), size, scaling, folder, saves, not no_lighthouse))
    except ValueError as error:
        raise Exit(f"invoke bench: {error}", code=1) from None


@hearth_task(
    values={"author": "LOGIN", "base": "BRANCH", "pr": "COMMIT"},
    help={
        "author": "the pull request author's GitHub login, as GitHub shows it",
        "base": "the branch it merges into (default: origin/main if fetched, else main)",
        "pr": "the pull request's commit or branch, read from git without running any of "
        "its code (run from a checkout of main): what moderators use",
    },
)
def check_pr(c, author="", base="", pr=""):
    """Check a pull request's change to the member files, as its Checks run does.

    Own member file only, others' links kept, the past unchanged, the weekly limit. With
    --pr, read it from git without running its code. A bot's pull request (--author
    github-actions[bot]) is checked as the member its commits name in a Shared-by line,
    for that member's file only.

    Example: invoke check-pr --author ada --pr origin/pr/42
    """
    from hearth_members.pullrequest import check_pull_request, uncommitted_paths
    from hearth_site.check import check_content

    if not author:
        raise Exit("Pass the pull request author's login: invoke check-pr --author <login>", code=1)
    problems = check_pull_request(
        Path.cwd(),
        _settings(),
        author,
        base or None,
        check_content=check_content,
        pr=pr or None,
        config=CONFIG,
    )
    pending = [] if pr else uncommitted_paths(Path.cwd())
    if pending:
        # The check reads commits, but `invoke check` reads the files as they are now.
        print(
            f"Note: {len(pending)} uncommitted file(s), such as {pending[0]}, are not part of "
            "the pull request yet: commit them and run check-pr again.",
            file=sys.stderr,
        )
    if problems:
        raise Exit("\n".join(map(str, problems)) + f"\n{len(problems)} problem(s) found.", code=1)
    print("No problems found.")


@hearth_task(
    values={"author": "LOGIN", "body-file": "FILE", "comment-file": "FILE"},
    help={
        "author": "the GitHub login of the issue's author: the link goes into their file",
        "body-file": "the issue's body, as GitHub renders the Share a link form",
        "comment-file": "also write the problems here, as a Markdown comment for the issue",
    },
)
def submission(c, author="", body_file="", comment_file=""):
    """Add the link shared with the Share a link form to content/members/LOGIN.yml.

    It is checked as `invoke check` checks a member file; the problems are listed otherwise.

    Example: invoke submission --author ada --body-file issue.md
    """
    from hearth_core.files import write_atomically
    from hearth_members.submission import add_shared_link, comment_markdown, shown
    from hearth_site.check import check_content

    if not author or not body_file:
        raise Exit(
            "Pass the login of the issue's author and the issue's body: "
            "invoke submission --author LOGIN --body-file FILE",
            code=1,
        )
    body, comment = Path(body_file), Path(comment_file) if comment_file else None
    if not body.is_file():
        message = f"--body-file {body_file!r}: no such file: pass the file with the issue's body"
        raise Exit(message, code=1)
    if comment is not None and (comment.is_dir() or not comment.parent.is_dir()):
        raise Exit(
            f"--comment-file {comment_file!r}: not a file in an existing folder: "
            "pass where to write the comment, like --comment-file comment.md",
            code=1,
        )
    outcome = add_shared_link(_settings(), author, body, check_content=check_content)
    if outcome.problems:
        if comment is not None:
            markdown = comment_markdown(outcome.problems, body)
            write_atomically(comment, markdown.encode("utf-8"))
        listed = "\n".join(shown(found, body) for found in outcome.problems)
        raise Exit(f"{listed}\n{len(outcome.problems)} problem(s): the link was not added.", code=1)
    added = "a new file for" if outcome.created else "the file of"
    print(f"Added the link to {display_path(outcome.path)}, {added} {author}.")


def _count(option: str, given: str | None, low: int) -> int | None:
    """A whole-number option of ``sync-discussions --elsewhere``; None if not given."""
    if given is None:
        return None
    return arguments.whole_number(option, given, low, 100_000, f"{option} 50")


@hearth_task(
    values={"platform": "NAME", "issues": "N", "days": "N", "budget": "N"},
    iterable=["platform"],
    help={
        "platform": "only sync this platform: discourse, mastodon, reddit or github "
        "(repeat it, or separate names with commas); others keep their data",
        "dry-run": "list the requests a sync would make; make none and write nothing",
        # Discussed elsewhere (issue 26): search Hacker News, Lobsters, Lemmy, Reddit by URL.
        "elsewhere": "look for discussions of the site's links on Hacker News, Lobsters, "
        "Lemmy and Reddit, into content/discussions/elsewhere.json",
        "issues": "with --elsewhere: the links of this many newest issues (default 10)",
        "days": "with --elsewhere: member links of this many last days (default 90)",
        "budget": "with --elsewhere: at most this many requests this run (default 200)",
    },
    not_done="Nothing was synced",
)
def sync_discussions(
    c, platform=None, dry_run=False, elsewhere=False, issues=None, days=None, budget=None
):
    """Fetch discussion threads' titles, replies and last activity into activity.json.

    Example: invoke sync-discussions --platform github --dry-run
    Example: invoke sync-discussions --elsewhere --issues 50 --days 365
    Example: invoke sync-discussions --elsewhere --dry-run
    """
    wanted, since, most = (
        _count("--issues", issues, 1),
        _count("--days", days, 1),
        _count("--budget", budget, 0),
    )
    if elsewhere:
        from hearth_discussions.elsewhere.run import sync_elsewhere

        if platform:
            raise Exit(
                "--elsewhere asks every platform in HEARTH_ELSEWHERE['platforms'], with no "
                "--platform: leave it out",
                code=1,
            )
        code = sync_elsewhere(_settings(), issues=wanted, days=since, budget=most, dry_run=dry_run)
        if code:
            raise Exit(code=code)
        return
    if (wanted, since, most) != (None, None, None):
        raise Exit("--issues, --days and --budget go with --elsewhere: add it", code=1)
    from hearth_discussions.sync import sync_discussions as sync

    names = [name.strip() for given in platform or [] for name in given.split(",")]
    if platform and not any(names):  # not "no filter": that would sync every platform
        raise Exit("--platform is empty: name one, like --platform github", code=1)
    code = sync(_settings(), platforms=[name for name in names if name], dry_run=dry_run)
    if code:
        raise Exit(code=code)


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    values={"issue": "N", "preview": "EMAIL", "schedule": "DATETIME"},
    iterable=["preview"],
    help={
        "issue": "the number of the issue to send",
        "preview": "send the draft to this address only, as a preview (repeat it, or "
        "separate addresses with commas)",
        "schedule": "schedule it, with its offset: 2026-11-25T09:00+01:00",
        "now": "send it to every subscriber now, after you confirm",
        "yes": "confirm --now without a prompt (for CI)",
        "force": "go on although the email's pre-flight checks fail",
        "dry-run": "print the requests it would make; make none and write nothing",
    },
)
def send(c, issue="", preview=None, schedule="", now=False, yes=False, force=False, dry_run=False):
    """Create or update issue N as a Buttondown draft; preview, schedule or send it.

    Example: invoke send --issue 12 --preview you@example.com
    """
    from hearth_buttondown.commands import send_issue, terminal_confirm

    number = arguments.issue_number(issue)
    send_issue(
        _settings(PUBLISH_CONFIG),
        number,
        preview=preview or [],
        schedule=schedule,
        now=now,
        force=force,
        dry_run=dry_run,
        confirm=terminal_confirm(yes),
    )


@hearth_task(
    settings_file=PUBLISH_CONFIG,
    help={"dry-run": "print the requests it would make; make none and write nothing"},
)
def import_buttondown(c, dry_run=False):
    """Import the sent emails of a Buttondown archive into content/issues/.

    Example: invoke import-buttondown --dry-run
    """
    from hearth_buttondown.commands import import_buttondown as run_import

    run_import(_settings(PUBLISH_CONFIG), dry_run=dry_run)


@hearth_task(failed="No screenshots were taken")
def screenshots(c):
    """Build the demo and photograph it with Chromium into docs/screenshots/ for README.

    Example: invoke screenshots
    """
    from pelican.log import init as init_logging

    from hearth_site.screenshots import take_screenshots

    init_logging(level=logging.WARNING)
    for path in take_screenshots(CONFIG, Path("docs/screenshots")):
        print(f"Wrote {display_path(path)}")


# Moving a newsletter's archive here: Substack, Ghost, WordPress or any feed (hearth_import).
@hearth_task(
    values={"source": "SOURCE", "format": "FORMAT", "old-url": "URL"},
    help={
        "source": "the export: a Substack zip or folder, a Ghost .json, a WordPress .xml, "
        "or a feed's file or https:// address",
        "format": "substack, ghost, wordpress or feed (default: recognised from SOURCE)",
        "dry-run": "list what it would write and fetch; write nothing",
        "old-url": "the newsletter's old address, for its own links (Ghost writes none)",
    },
)
def import_archive(c, source, format="", dry_run=False, old_url=""):
    """Import a Substack, Ghost, WordPress or feed archive into content/issues/.

    Example: invoke import-archive substack-export.zip --dry-run
    """
    from hearth_import.commands import import_archive as run_import

    run_import(_settings(), source, fmt=format, dry_run=dry_run, old_url=old_url)


# Announce: open an issue's threads where the community talks (plugins/hearth_announce).
@hearth_task(
    settings_file=PUBLISH_CONFIG,
    values={"issue": "N", "platform": "NAME"},
    iterable=["platform"],
    help={
        "issue": "the number of the published issue to announce, or latest",
        "platform": "only this target of HEARTH_ANNOUNCE: discourse, github, mastodon or "
        "bluesky (repeat it, or separate names with commas)",
        "dry-run": "list the requests it would make; make none and write nothing",
    },
)
def announce(c, issue="", platform=None, dry_run=False):
    """Open issue N's threads on Discourse, GitHub Discussions, Mastodon and Bluesky, once each.

    Example: invoke announce --issue 14 --dry-run
    """
    from hearth_announce.announce import announce_issue

    names = [name.strip() for given in platform or [] for name in given.split(",")]
    if platform and not any(names):
        raise Exit("--platform is empty: name one, like --platform mastodon", code=1)
    number = None if str(issue).strip() == "latest" else arguments.issue_number(issue)
    announce_issue(
        _settings(PUBLISH_CONFIG),
        number,
        platforms=[name for name in names if name],
        dry_run=dry_run,
    )


# Link health (hearth_linkhealth, docs/links.md): the links people wrote, asked weekly.
@hearth_task(
    values={"report": "FILE"},
    help={
        "offline": "build, then check only the links between the site's own pages",
        "report": "also write the report to FILE as Markdown (the weekly workflow's issue)",
    },
)
def check_links(c, offline=False, report=""):
    """Check every link in issues, member files, recommendations and threads with lychee.

    A dead link is reported as file:line: url: status, with the Wayback Machine's
    snapshot of it. A link that answered well is asked again only after recheck_after.
    Example: invoke check-links --offline
    """
    from hearth_core.files import write_atomically
    from hearth_core.settings import absolute_site_url
    from hearth_linkhealth.check import DeadLinks, report_path
    from hearth_linkhealth.check import check_links as check

    target = report_path(report) if report else None  # refused before any link is asked
    if offline:
        _build()
    public = absolute_site_url(_settings(PUBLISH_CONFIG)) if offline else ""
    result = check(_settings(), offline=offline, public_url=public)
    print(result.text())
    if target is not None:
        write_atomically(target, result.markdown().encode())
    if result.dead:
        raise DeadLinks(f"{len(result.dead)} dead links: each is listed above")


# Recommendations and neighbours (hearth_recommendations): the recommended sites' latest posts.
@hearth_task(not_done="Nothing was synced")
def sync_neighbours(c):
    """Read each recommended site's feed and keep its latest posts in content/neighbours.json.

    Example: invoke sync-neighbours
    """
    from hearth_recommendations.sync import sync_neighbours as sync

    code = sync(_settings())
    if code:
        raise Exit(code=code)
