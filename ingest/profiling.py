"""Learning site profiles during `clean`, then extracting again the pages they change.

Learn first, then extract: every page is extracted alone (no profile) and leaves a sample; once
all inputs are stored, each host's samples (grouped by kind of page, distinct articles counted by
the stories index) make its profile (extract/profiles.py), stored in `site_profiles`; a host with
too few distinct articles in the run keeps the profile stored before, if any. The pages a
profile changes are then brought in line, in name order: a stored row whose body holds template
lines loses them (as extracting the page again with the profile would), and a page file whose
body came from elsewhere than the profile's location is extracted again with it. Profiles come
from pages extracted alone, so the database is the same for any input order and any --jobs.

Inputs read from WARC archives or standard input are not extracted again (their bytes are not
kept): their rows lose template lines, but their body is not checked against the location.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclean.db.filters import Filters, filter_sql
from newsclean.db.profiles import load_profiles, save_profile
from newsclean.db.store import stored_digest, stored_row
from newsclean.db.stories import MEMBERS_TABLE, rows_in
from newsclean.extract.profiles import (
    PageSample,
    Profile,
    apply_template_lines,
    drops_lines,
    learn,
    moves_body,
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


# At most this many distinct articles of one host and kind of page are learned from: those
# whose story key hashes lowest, so that the same corpus always gives the same choice. A
# thousand articles find a template line (MIN_PAGES of them) many times over, and bound the
# samples a profile is learned from in memory to ~10 MB however large the host's archive.
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
        a profile may move (see `apply`), a window of WRITE_SIZE pages at a time, in name
        order; how many rows were stored again."""
        patched: list[Extracted | Outcome] = []
        todo: list[FileJob] = []
        stored = 0
        for name, data in self.store.execute("select name, data from seen order by name"):
            seen: Seen = pickle.loads(data)
            profile = profiles.get((seen.sample.host, seen.sample.kind))
            if profile is None:
                continue
            if moves_body(profile, seen.sample) and seen.job is not None:
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

    def learn(self, db: CorpusDatabase) -> dict[tuple[str, str], Profile]:
        """Each host's profile by kind of page: learned from this run's samples and stored, or
        the one stored before when the run has too few distinct articles of the host."""
        profiles: dict[tuple[str, str], Profile] = {}
        groups = self.store.execute("select distinct host, kind from seen order by host, kind").fetchall()
        for host, kind in groups:
            profile = learn(host, kind, self.group_samples(db, host, kind))
            if profile is not None:
                save_profile(db, profile)
                profiles[host, kind] = profile
        for profile, _updated in load_profiles(db):
            profiles.setdefault((profile.host, profile.template), profile)
        return profiles

    def group_samples(self, db: CorpusDatabase, host: str, kind: str) -> list[PageSample]:
        """The samples of one host's pages of one kind, each with its distinct-article key (the
        stories index's), of at most MAX_LEARNED_ARTICLES articles, in name order."""
        sql = "select name, fingerprint from seen where host = ? and kind = ? order by name"
        names = self.store.execute(sql, [host, kind]).fetchall()
        stories = story_ids(db, sorted({fingerprint for _, fingerprint in names}))
        story_of = {name: stories.get(fingerprint, f"body {fingerprint}") for name, fingerprint in names}
        kept = learned_stories(set(story_of.values()))
        samples = []
        for name, story in story_of.items():
            seen = self.seen(name) if story in kept else None
            if seen is not None:
                samples.append(with_story(seen.sample, story))
        return samples

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


def learned_stories(stories: set[str]) -> set[str]:
    """The distinct articles a profile is learned from: all of them, or the
    MAX_LEARNED_ARTICLES whose key hashes lowest (the same ones in any input order)."""
    if len(stories) <= MAX_LEARNED_ARTICLES:
        return stories
    ranked = sorted(stories, key=lambda story: hashlib.sha1(story.encode()).hexdigest())
    return set(ranked[:MAX_LEARNED_ARTICLES])


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


def story_ids(db: CorpusDatabase, fingerprints: list[str]) -> dict[str, str]:
    """{body fingerprint: `story N`} from the stories index, for the articles it holds (rows
    merged into one share their fingerprint; copies in one story share its id)."""
    if not db[MEMBERS_TABLE].exists():
        return {}
    sql = (
        f"select a.fingerprint, min(m.story_id) from articles a join {MEMBERS_TABLE} m "
        "on m.article_id = a.id where a.fingerprint in ({values}) group by a.fingerprint"
    )
    return {fingerprint: f"story {story}" for fingerprint, story in rows_in(db, sql, fingerprints)}
