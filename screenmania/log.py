"""Filters for the log that settings.LOGGING configures."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """
    A request refused with a 4xx (a permission lacking, a Host the site does not serve, a
    body too large) is logged on one line. Django attaches the exception that refused it,
    whose traceback only says where Django raised it: a robot probing the newsroom's pages
    would fill the log with them, and have the server format each. A 500 keeps its own.
    """

    def filter(self, record):
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
