"""
The media library. Its own app because articles, authors and (later) the
Markdown body all draw on the same images, with their alt text and credit.
"""
