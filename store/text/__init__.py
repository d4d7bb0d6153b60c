"""The story's text work, as pure functions: no database, no network, no files.

Text cleaning (`clean`), URL canonicalisation (`urls`), duplicate fingerprints (`dedup`),
relevance scoring (`relevance`) and entity extraction (`extract`, with its `gazetteer` and
`cue_words`). The modules one level up store what these compute; a test proves this package
imports neither `sqlite3` nor `sqlite_utils`.
"""
