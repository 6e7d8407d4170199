"""
Everything a reader opens: the public views and their URLs, feeds, sitemaps,
structured data, share links and the template tags of the reader's pages.
"""
