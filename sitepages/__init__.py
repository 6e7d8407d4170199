"""
The site's own pages, outside the articles: legal notice, contact, about, privacy, and
any page an editor or an import adds. Written in Markdown, rendered once at save.
"""
