"""newsclean: Chinese regional news pages into a clean SQLite corpus.

The repository keeps its code in top-level folders (`cli.py`, `commands/`, `db/`, `ingest/`,
`sites/`, `extract/`); this package links them under one name, so that the installed modules
are `newsclean.cli`, `newsclean.db`, … and clash with no other distribution.
"""
