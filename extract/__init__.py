"""The extraction toolkit: field parsers, body rules and HTML helpers shared by every adapter.

It never imports `sites/` or `ingest/`: adapters use it, and the pipeline uses adapters.
"""
