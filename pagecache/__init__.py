"""
The page cache: whole pages for anonymous readers, served from the cache and never stale,
and purged from a CDN by key. It knows no model: pages name what they show, and models
say what their changes stamp, in the terms of pagecache/keys.py, which holds the contract.
"""

from .keys import SITE_KEY, key, key_for, keys_for, list_key, stamped_by, texts_key
from .middleware import PageCacheMiddleware, forget_local_copies, public_page
from .stamps import invalidate, register_schedule

__all__ = [
    "SITE_KEY",
    "PageCacheMiddleware",
    "forget_local_copies",
    "invalidate",
    "key",
    "key_for",
    "keys_for",
    "list_key",
    "public_page",
    "register_schedule",
    "stamped_by",
    "texts_key",
]
