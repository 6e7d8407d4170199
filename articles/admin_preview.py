"""Preview from the admin, and shareable preview links. (Being written.)"""


class PreviewAdminMixin:
    pass
