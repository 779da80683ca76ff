"""The stages of the cleaning pipeline, in order, and the derived indexes the store runs after
the write.

    read      ingest/inputs.py, ingest/warc.py  an input's bytes (gunzipped, size-bounded)
    decode    ingest/decode.py                  its text, in the codec it was written in
    extract   sites/, extract/                  the adapter's Article, checked (ingest/pipeline.py)
    derive    INDEXES' derivations              the indexes' per-row text work, in the worker
    write     db/store.py                       the articles and inputs rows, a batch per transaction
    search    db/search.py: SEARCH              the full-text index of titles and bodies
    stories   db/stories.py: STORIES            near-duplicate copies grouped into stories

The last two are the derived indexes (store.DerivedIndex). They are named here and nowhere
registered: the store receives INDEXES (every writer by default, see store.open_db), creates
their tables with its own, and syncs each, in this order, after every write.
"""

from __future__ import annotations

from newsclean.db.search import SEARCH
from newsclean.db.store import DerivedIndex
from newsclean.db.stories import STORIES

INDEXES: tuple[DerivedIndex, ...] = (SEARCH, STORIES)
