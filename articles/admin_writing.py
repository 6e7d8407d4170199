"""Writing comfort in the article form: live preview, counters. (Being written.)"""


class WritingAdminMixin:
    pass
