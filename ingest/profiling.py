"""Learning site profiles during `clean`, then extracting again the pages they change.

Learn first, then extract: every page is extracted alone (no profile) and leaves a sample; once
all inputs are stored, each host's samples (grouped by kind of page, distinct articles counted by
the stories index) make its profile (extract/profiles.py), stored in `site_profiles`; a host with
too few distinct articles in the run keeps the profile stored before, if any. The page files a
profile changes (a template line in the body, the body taken from elsewhere than the profile's
location) are then extracted again with it, in name order. Profiles come from pages extracted
alone, so the database is the same for any input order and any --jobs.

Inputs read from WARC archives or standard input lend their samples to learning but are not
extracted again (their bytes are not kept).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsclean.db.profiles import load_profiles, save_profile
from newsclean.db.stories import MEMBERS_TABLE, rows_in
from newsclean.extract.profiles import PageSample, Profile, affects, learn, with_story
from newsclean.ingest.pipeline import WRITE_SIZE, Extracted, FileJob, Job, Outcome, extract_job, store_batch

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
            self.seen[result.path] = Seen(result.sample, result.row["fingerprint"], job)

    def apply(self, db: CorpusDatabase, pool: Any) -> int:
        """Learn and store the hosts' profiles, then extract again (in `pool` when given) the
        page files they change; how many were stored again."""
        if not self.seen:
            return 0
        profiles = self.learn(db)
        todo = [
            dataclasses.replace(seen.job, known=None, profile=profile)
            for name, seen in sorted(self.seen.items())
            if seen.job is not None
            and (profile := profiles.get((seen.sample.host, seen.sample.kind))) is not None
            and affects(profile, seen.sample)
        ]
        extract = functools.partial(extract_job, indexes=db.indexes)
        stored = 0
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
        with db.atomic():
            for (host, kind), samples in sorted(groups.items()):
                profile = learn(host, kind, samples)
                if profile is not None:
                    save_profile(db, profile)
                    profiles[host, kind] = profile
            for profile, _updated in load_profiles(db):
                profiles.setdefault((profile.host, profile.template), profile)
        return profiles


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
