"""A build's search index, started as soon as Pelican has read the issues.

Pagefind needs every record: the issues', made as Pelican reads them, and the member
links' and discussions', which a build makes before Pelican runs (``hearth_site.build``).
Started once the issues are read, not once every generator has its context, Pagefind
runs on the core that the members' and discussions' contexts leave idle: 0.3 s sooner on
a 700-issue archive, 0.75 s on 1,400, where Pagefind is the build's last step. The
index is kept only if the search generator then finds the very same records; otherwise
it is stopped and started again, so a wrong start costs time, never a wrong index.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from hearth_core.memo import same_objects
from hearth_site.meta import site_path
from hearth_site.search import (
    SearchIndexJob,
    SearchRecord,
    forget_pages,
    issue_records,
    scratch_site,
    with_pages,
)

# The link and discussion records made before Pelican ran, for this build only.
_PREPARED: list[list[SearchRecord]] = []
# The records an early index was started with, and its job.
_STARTED: list[tuple[list[SearchRecord], SearchIndexJob]] = []


def start_job(records: list[SearchRecord], output: Path, language: str) -> SearchIndexJob:
    """Pagefind on a thread, its input written here first: on the job's thread it would
    wait its turns with the writing of the pages, a third of a second before it starts."""
    records = with_pages(records)
    scratch = scratch_site(records) if records else None
    forget_pages(records)  # a preview does not call this: it keeps them
    return SearchIndexJob(lambda: records, output, language, scratch=scratch)


def prepare(community: list[SearchRecord]) -> None:
    """The member links' and discussions' records this build made before Pelican ran."""
    _PREPARED[:] = [community]


def start_early(generator: Any) -> None:
    """At ``article_generator_finalized``: start the index if the community is prepared."""
    if not _PREPARED or generator.settings.get("HEARTH_PREVIEW"):
        return
    records = issue_records(generator.articles, site_path(generator.settings)) + _PREPARED.pop()
    output, language = Path(generator.output_path), generator.settings["DEFAULT_LANG"]
    _STARTED[:] = [(records, start_job(records, output, language))]


def index_job(records: list[SearchRecord], output: Path, language: str) -> SearchIndexJob:
    """The job that indexes ``records``: the early one if it has these very records."""
    if _STARTED:
        started, job = _STARTED.pop()
        # Records are made once per issue and content and once per set of link pages:
        # the same pages give the very same objects.
        if same_objects(started, records):
            return job
        _stop(job)
    return start_job(records, output, language)


def forget() -> None:
    """After a build: what it prepared is not the next one's, and an index started for a
    build that failed before using it is stopped."""
    _PREPARED.clear()
    while _STARTED:
        _stop(_STARTED.pop()[1])


def _stop(job: SearchIndexJob) -> None:
    job.cancel()
    with contextlib.suppress(Exception):  # an index nobody will use: the new job reports its own
        job.wait()
