"""Learning site profiles during `clean`, then extracting again the pages they change.

Learn first, then extract: every page is extracted alone (no profile) and leaves a sample; once
all inputs are stored, the run's samples join those kept in the database from earlier runs
(`profile_samples`, by input name: a page cleaned again replaces its sample), and each host's
kept samples (grouped by kind of page, distinct articles counted by the stories index) make its
profile (extract/profiles.py), stored in `site_profiles`. So the profile after a run is the one
learning from all the runs' pages at once gives: clean A then B, B then A and A+B store the
same profiles and rows, and a run with fewer than MIN_PAGES new pages of a host still extends
its profile. A host keeps the samples of its MAX_LEARNED_ARTICLES body fingerprints whose hash
is lowest (the same ones however the runs are split), which bounds the table and the memory
learning takes.

The pages a profile changes are then brought in line, in name order: a stored row whose body
holds template lines loses them (as extracting the page again with the profile would), and a
page file whose body came from elsewhere than the profile's location is extracted again with
it. When a host's profile changed (its template lines, locations or URL shapes), the pages of
earlier runs that the old or the new profile changes are brought in line too: their files,
when still there with the bytes they were cleaned with, are extracted again with the new
profile (which restores a line an older profile dropped); other rows lose the new template
lines. Profiles come from pages extracted alone, so the database is the same for any input
order and any --jobs.

Inputs read from WARC archives or standard input are not extracted again (their bytes are not
kept): their rows lose template lines, but their body is not checked against the location, and
a line an earlier profile dropped from them is not restored. Pages of a host past its kept
samples (hosts with more than MAX_LEARNED_ARTICLES articles) are brought in line by the run
that cleans them, or by `reclean --site HOST`. Distinct articles are counted by the stories
index as it stands when a run learns, and by then an earlier run's rows have lost their
template lines: two pages at the edge of the index's copy threshold could be one story in one
split of the runs and two in another (the tests' corpora and the dev set's sites folders
give the same database however they are split).
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclean.db.filters import Filters, filter_sql
from newsclean.db.profiles import (
    keep_samples,
    load_profiles,
    prune_samples,
    save_profile,
    stored_samples,
    unsampled_pages,
)
from newsclean.db.store import stored_digest, stored_row
from newsclean.db.stories import MEMBERS_TABLE, rows_in
from newsclean.extract.profiles import (
    PageSample,
    Profile,
    apply_template_lines,
    drops_lines,
    effect,
    learn,
    moves_body,
    sample_from_json,
    sample_to_json,
    with_story,
)
from newsclean.extract.record import Article, NotAnArticle
from newsclean.ingest.inputs import STDIN_NAME
from newsclean.ingest.pipeline import (
    WRITE_SIZE,
    Extracted,
    FileJob,
    Job,
    Outcome,
    Summary,
    check_body,
    extract_job,
    is_disk_full,
    read_job,
    store_batch,
)
from newsclean.ingest.warc import is_warc

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase


# At most this many distinct articles (body fingerprints) of one host and kind of page are kept
# and learned from: those whose fingerprint hashes lowest, so that the same corpus always gives
# the same choice, however it is split into runs. A thousand articles find a template line
# (MIN_PAGES of them) many times over, and bound the samples a profile is learned from, in
# memory and in the database (~2-5 KB a page), however large the host's archive.
MAX_LEARNED_ARTICLES = 1000


@dataclass
class Seen:
    """One extracted page's sample, its article's fingerprint, and how to read it again."""

    sample: PageSample
    fingerprint: str
    job: FileJob | None


class Learner:
    """The samples of one run's pages, by input name, kept in a private temporary database
    (on disk: ~10 KB a page) rather than in memory, and read back one host at a time."""

    def __init__(self) -> None:
        self.store = sqlite3.connect("")  # "": a temporary database, deleted when closed
        self.store.execute(
            "create table seen (name text primary key, host text, kind text, fingerprint text, data blob)"
        )
        self.count = 0
        self.changed: dict[tuple[str, str], Profile | None] = {}  # see `learn`

    def take(self, item: FileJob | Job | Outcome, result: Extracted | Outcome) -> None:
        """Keep an extracted page's sample (`item`: the input it was extracted from)."""
        self.take_result(result, item if isinstance(item, FileJob) else None)

    def take_result(self, result: Extracted | Outcome, job: FileJob | None) -> None:
        """Keep an extracted page's sample; `job` reads the page file again (None: no file)."""
        if isinstance(result, Extracted) and result.sample is not None and result.row is not None:
            self.keep(result.path, Seen(result.sample, result.row["fingerprint"], job))

    def keep(self, name: str, seen: Seen) -> None:
        """Keep the sample of input `name` (a later one of the same name replaces it)."""
        self.store.execute(
            "insert or replace into seen values (?, ?, ?, ?, ?)",
            [name, seen.sample.host, seen.sample.kind, seen.fingerprint, pickle.dumps(seen)],
        )
        self.count += 1

    def seen(self, name: str) -> Seen | None:
        """The sample kept for input `name`, if any."""
        row = self.store.execute("select data from seen where name = ?", [name]).fetchone()
        return pickle.loads(row[0]) if row else None

    def apply(self, db: CorpusDatabase, pool: Any) -> int:
        """Learn and store the hosts' profiles, then bring the pages they change in line: drop
        template lines from the stored rows, and extract again (in `pool` when given) the page
        files whose body the profile may move; how many rows were stored again."""
        if not self.count:
            return 0
        with db.atomic():  # one transaction: the profiles and the rows they change
            return self.bring_in_line(db, pool, self.learn(db))

    def bring_in_line(self, db: CorpusDatabase, pool: Any, profiles: dict[tuple[str, str], Profile]) -> int:
        """Drop template lines from the stored rows and extract again the page files whose body
        a profile may move (see `apply`): this run's pages, then the earlier pages of the hosts
        whose profile changed (`self.changed`), a window of WRITE_SIZE pages at a time, in name
        order; how many rows were stored again."""
        patched: list[Extracted | Outcome] = []
        todo: list[FileJob] = []
        stored = 0
        for name, seen, profile, earlier in self.pages_to_check(db, profiles):
            if seen.job is not None and extracts_again(db, seen.job, seen.sample, profile, earlier):
                todo.append(dataclasses.replace(seen.job, known=None, profile=profile))
            elif drops_lines(profile, seen.sample) and (row := patched_row(db, name, profile, seen.sample)):
                patched.append(Extracted(name, stored_digest(db, name) or "", row=row))
            if len(patched) >= WRITE_SIZE:
                stored += len(store_batch(db, patched))
                patched.clear()
            if len(todo) >= WRITE_SIZE:
                stored += extract_again(db, pool, todo)
                todo.clear()
        stored += len(store_batch(db, patched)) if patched else 0
        return stored + (extract_again(db, pool, todo) if todo else 0)

    def pages_to_check(
        self, db: CorpusDatabase, profiles: dict[tuple[str, str], Profile]
    ) -> Iterator[tuple[str, Seen, Profile, Profile | None]]:
        """(name, sample, profile, None) for this run's pages whose host has a profile, in name
        order; then (name, sample, new profile, old profile) for the kept pages of earlier runs
        whose row a changed profile changes otherwise than the old one did (`effect`; the old
        one: None when there was none)."""
        for name, data in self.store.execute("select name, data from seen order by name"):
            seen: Seen = pickle.loads(data)
            profile = profiles.get((seen.sample.host, seen.sample.kind))
            if profile is not None:
                yield name, seen, profile, None
        for (host, kind), old in sorted(self.changed.items()):
            new = profiles[host, kind]
            for name, fingerprint, url, site, data in stored_samples(db, host, kind):
                if self.seen(name) is not None:
                    continue
                sample = sample_from_json(data)
                if effect(new, sample) != effect(old, sample):
                    readable_file = url is not None and name != STDIN_NAME  # url None: a fetched page
                    job = FileJob(Path(name), name, url, site, None) if readable_file else None
                    yield name, Seen(sample, fingerprint, job), new, old or new

    def learn(self, db: CorpusDatabase) -> dict[tuple[str, str], Profile]:
        """Each host's profile by kind of page, learned from the samples kept of its pages (this
        run's and earlier runs') and stored; the ones stored before for the other hosts. The
        hosts whose profile changed go to `self.changed`, with the profile they had."""
        before = {(profile.host, profile.template): profile for profile, _ in load_profiles(db)}
        groups = self.keep_run_samples(db)
        profiles: dict[tuple[str, str], Profile] = {}
        for host, kind in groups:
            profile = learn(host, kind, self.group_samples(db, host, kind))
            if profile is None or profile.pages < unsampled_pages(db, host, kind):
                continue
            save_profile(db, profile)
            profiles[host, kind] = profile
            if not same_rules(before.get((host, kind)), profile):
                self.changed[host, kind] = before.get((host, kind))
        for (host, kind), profile in before.items():
            profiles.setdefault((host, kind), profile)
        return profiles

    def keep_run_samples(self, db: CorpusDatabase) -> list[tuple[str, str]]:
        """Store this run's samples with those kept before (keep_samples), keep each host's
        MAX_LEARNED_ARTICLES lowest-ranked fingerprints; the run's hosts and kinds of page."""
        rows = []
        for name, data in self.store.execute("select name, data from seen order by name"):
            seen: Seen = pickle.loads(data)
            sample = seen.sample
            job = job_fields(seen.job)
            rows.append((name, sample.host, sample.kind, seen.fingerprint, *job, sample_to_json(sample)))
        keep_samples(db, rows)
        groups = self.store.execute("select distinct host, kind from seen order by host, kind").fetchall()
        for host, kind in groups:
            prune_samples(db, host, kind, MAX_LEARNED_ARTICLES)
        return groups

    def group_samples(self, db: CorpusDatabase, host: str, kind: str) -> list[PageSample]:
        """The kept samples of one host's pages of one kind (stored_samples), each with its
        distinct-article key (the stories index's), in name order."""
        kept = stored_samples(db, host, kind)
        by_name = input_story_ids(db, [name for name, *_ in kept])
        by_name.update(story_ids(db, "url", [name for name, _, url, *_ in kept if url is None]))
        stories = story_ids(db, "fingerprint", sorted({fingerprint for _, fingerprint, *_ in kept}))
        return [
            with_story(
                sample_from_json(data), by_name.get(name) or stories.get(fingerprint, f"body {fingerprint}")
            )
            for name, fingerprint, _url, _site, data in kept
        ]

    def close(self) -> None:
        """Drop the kept samples (the temporary database is deleted)."""
        self.store.close()


def apply_profiles(learner: Learner, db: CorpusDatabase, pool: Any, summary: Summary) -> None:
    """Learn the run's profiles and bring the pages they change in line (Learner.apply): the
    rows stored again go to `summary.profiled`; a full disk stops it with the rows intact."""
    try:
        summary.profiled = learner.apply(db, pool)
    except sqlite3.OperationalError as exc:
        if not is_disk_full(exc):
            raise
        summary.stopped = f"disk full ({exc}): site profiles not stored; the rows stored are intact"
    finally:
        learner.close()


def learn_from_results(
    db: CorpusDatabase, results: Iterable[Extracted | Outcome], jobs: dict[str, FileJob], summary: Summary
) -> None:
    """`clean --cluster`: once the shards are merged, learn the profiles from their pages'
    samples and bring the pages they change in line, in this process, as a local clean does
    (`jobs`: how to read each page file again, by input name)."""
    learner = Learner()
    for result in results:
        learner.take_result(result, jobs.get(result.path))
    apply_profiles(learner, db, None, summary)


def stored_inputs(db: CorpusDatabase, site: str) -> Iterator[tuple[FileJob, Job]]:
    """The page files `clean` stored the site's articles from (`site`: an adapter name, a host
    or a domain, as `export --site` takes it), read again: only those still there with the
    bytes they were cleaned with (WARC records and standard input are not read again)."""
    where, params = filter_sql(Filters(site=site))
    sql = f"select a.input_path, a.url from articles a where a.input_path is not null and {where}"
    for name, url in db.execute(sql + " order by a.input_path", params).fetchall():
        if name == STDIN_NAME or ("#" in name and is_warc(name.rsplit("#", 1)[0])):
            continue
        job = FileJob(Path(name), name, url, None, None)
        read = read_job(job)
        if isinstance(read, Job) and read.digest == stored_digest(db, name):
            yield job, read


def extracts_again(
    db: CorpusDatabase, job: FileJob, sample: PageSample, profile: Profile, earlier: Profile | None
) -> bool:
    """True when the page's file is to be extracted again with its profile: a page of this run
    (`earlier` None) whose body the profile may move, or a page of an earlier run that a
    changed profile changes, whose file can still be read (`readable`)."""
    return moves_body(profile, sample) if earlier is None else readable(db, job)


def job_fields(job: FileJob | None) -> tuple[str | None, str | None]:
    """What reads a page file again, kept with its sample: its URL and --site (None: no file)."""
    return (job.url, job.site) if job is not None else (None, None)


def readable(db: CorpusDatabase, job: FileJob) -> bool:
    """True when the page file is still there with the bytes it was cleaned with (a WARC
    record's or standard input's are not kept)."""
    if "#" in job.name and is_warc(job.name.rsplit("#", 1)[0]):
        return False
    read = read_job(job)
    return isinstance(read, Job) and read.digest == stored_digest(db, job.name)


def same_rules(old: Profile | None, new: Profile) -> bool:
    """True when the two profiles change the same pages the same way (their template lines,
    body locations and URL shapes are the same; the counts may differ)."""
    return (
        old is not None
        and old.lines == new.lines
        and old.body_signatures == new.body_signatures
        and old.shapes == new.shapes
    )


def extract_again(db: CorpusDatabase, pool: Any, todo: list[FileJob]) -> int:
    """Extract the page files again with their host's profile (in `pool` when given) and store
    the rows; a page that fails with its profile keeps the row it was stored with alone."""
    extract = functools.partial(extract_job, indexes=db.indexes)
    done = pool.map(extract, todo, chunksize=2) if pool else [extract(job) for job in todo]
    kept: list[Extracted | Outcome] = [
        item for item in done if isinstance(item, Extracted) and item.error is None
    ]
    return len(store_batch(db, kept))


def patched_row(db: CorpusDatabase, name: str, profile: Profile, sample: PageSample) -> dict[str, Any] | None:
    """The stored row of input `name` without the profile's template lines, as extracting the
    page with the profile gives it (ingest/pipeline.py: extract_sampled); None when the row is
    stored under another input, or nothing would be left of its body."""
    row = stored_row(db, "input_path = ?", [name])
    if row is None:
        return None
    art = Article.from_row(row)
    if not apply_template_lines(profile, sample, art):
        return None
    try:
        check_body(art)
    except NotAnArticle:
        return None
    return art.to_row()


def input_story_ids(db: CorpusDatabase, names: list[str]) -> dict[str, str]:
    """{input name: `story N`} from the stories index, for the inputs stored as an article it
    holds (by the article the input was stored as: an earlier run's row may since have lost
    template lines, and with them the body fingerprint its sample has)."""
    if not db[MEMBERS_TABLE].exists():
        return {}
    sql = (
        f"select i.path, min(m.story_id) from inputs i join articles a on a.key = i.article_key "
        f"join {MEMBERS_TABLE} m on m.article_id = a.id where i.path in ({{values}}) group by i.path"
    )
    return {name: f"story {story}" for name, story in rows_in(db, sql, names)}


def story_ids(db: CorpusDatabase, column: str, values: list[str]) -> dict[str, str]:
    """{value: `story N`} from the stories index, for the articles it holds, by one column of
    theirs: `fingerprint` (rows merged into one share their fingerprint; copies in one story
    share its id), or `url` for the samples of fetched pages, kept by their article's URL (as
    input_story_ids does for page files: the article stored there may since have lost template
    lines, and with them the fingerprint the sample has)."""
    if not db[MEMBERS_TABLE].exists():
        return {}
    sql = (
        f"select a.{column}, min(m.story_id) from articles a join {MEMBERS_TABLE} m "
        f"on m.article_id = a.id where a.{column} in ({{values}}) group by a.{column}"
    )
    return {value: f"story {story}" for value, story in rows_in(db, sql, values)}
