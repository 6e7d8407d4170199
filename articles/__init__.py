"""
Sections and articles: their models and querysets (published, scheduled, for a page),
and what an article's change makes stale in the page cache and the search index.
"""
