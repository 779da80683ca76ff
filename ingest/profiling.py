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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsclean.db.profiles import load_profiles, save_profile
from newsclean.db.store import stored_digest, stored_row
from newsclean.db.stories import MEMBERS_TABLE, rows_in
from newsclean.extract.profiles import (
    PageSample,
    Profile,
    apply_template_lines,
    drops_lines,
    interned,
    learn,
    moves_body,
    with_story,
)
from newsclean.extract.record import Article, NotAnArticle
from newsclean.ingest.pipeline import (
    WRITE_SIZE,
    Extracted,
    FileJob,
    Job,
    Outcome,
    check_body,
    extract_job,
    store_batch,
)

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase


@dataclass
class Seen:
    """One extracted page's sample, its article's fingerprint, and how to read it again."""

    sample: PageSample
    fingerprint: str
    job: FileJob | None


class Learner:
    """The samples of one run's pages, by input name."""

    def __init__(self) -> None:
        self.seen: dict[str, Seen] = {}

    def take(self, item: FileJob | Job | Outcome, result: Extracted | Outcome) -> None:
        """Keep an extracted page's sample."""
        if isinstance(result, Extracted) and result.sample is not None and result.row is not None:
            job = item if isinstance(item, FileJob) else None
            self.seen[result.path] = Seen(interned(result.sample), result.row["fingerprint"], job)

    def apply(self, db: CorpusDatabase, pool: Any) -> int:
        """Learn and store the hosts' profiles, then bring the pages they change in line: drop
        template lines from the stored rows, and extract again (in `pool` when given) the page
        files whose body the profile may move; how many rows were stored again."""
        if not self.seen:
            return 0
        with db.atomic():  # one transaction: the profiles and the rows they change
            return self.bring_in_line(db, pool, self.learn(db))

    def bring_in_line(self, db: CorpusDatabase, pool: Any, profiles: dict[tuple[str, str], Profile]) -> int:
        """Drop template lines from the stored rows and extract again the page files whose body
        a profile may move (see `apply`); how many rows were stored again."""
        patched: list[Extracted | Outcome] = []
        todo = []
        for name, seen in sorted(self.seen.items()):
            profile = profiles.get((seen.sample.host, seen.sample.kind))
            if profile is None:
                continue
            if moves_body(profile, seen.sample) and seen.job is not None:
                todo.append(dataclasses.replace(seen.job, known=None, profile=profile))
            elif drops_lines(profile, seen.sample) and (row := patched_row(db, name, profile, seen.sample)):
                patched.append(Extracted(name, stored_digest(db, name) or "", row=row))
        extract = functools.partial(extract_job, indexes=db.indexes)
        stored = len(store_batch(db, patched)) if patched else 0
        for start in range(0, len(todo), WRITE_SIZE):
            window = todo[start : start + WRITE_SIZE]
            done = pool.map(extract, window, chunksize=2) if pool else [extract(job) for job in window]
            # a page that fails with its profile keeps the row it was stored with alone
            kept: list[Extracted | Outcome] = [
                item for item in done if isinstance(item, Extracted) and item.error is None
            ]
            stored += len(store_batch(db, kept))
        return stored

    def learn(self, db: CorpusDatabase) -> dict[tuple[str, str], Profile]:
        """Each host's profile by kind of page: learned from this run's samples and stored, or
        the one stored before when the run has too few distinct articles of the host."""
        stories = story_ids(db, [seen.fingerprint for seen in self.seen.values()])
        groups: dict[tuple[str, str], list[PageSample]] = {}
        for seen in self.seen.values():
            story = stories.get(seen.fingerprint, f"body {seen.fingerprint}")
            groups.setdefault((seen.sample.host, seen.sample.kind), []).append(with_story(seen.sample, story))
        profiles: dict[tuple[str, str], Profile] = {}
        for (host, kind), samples in sorted(groups.items()):
            profile = learn(host, kind, samples)
            if profile is not None:
                save_profile(db, profile)
                profiles[host, kind] = profile
        for profile, _updated in load_profiles(db):
            profiles.setdefault((profile.host, profile.template), profile)
        return profiles


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
