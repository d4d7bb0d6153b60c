"""The story's memory: SQLite schema, ingest and the queries the dashboard reads.

Only this package speaks SQL. It never imports `feeds` or `tui`: the fetcher hands it plain
records (see `store.records`) and the dashboard reads through `store.queries`.
"""
