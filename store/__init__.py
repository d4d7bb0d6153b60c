"""The story's memory: SQLite schema, ingest, story logic and the queries the dashboard reads.

Only this package speaks SQL, and only its top-level modules do: the pure text algorithms live
in `store.text`. It never imports `feeds` or `tui`: the fetcher hands it plain records (see
`store.records`) and the dashboard reads through `store.queries`.
"""
