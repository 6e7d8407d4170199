"""Revisions of an article: list, diff, restore. (Being written.)"""


class RevisionAdminMixin:
    pass
