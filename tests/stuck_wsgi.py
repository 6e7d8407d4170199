"""
The site, plus two addresses that never finish, for tests/test_request_time_limit.py
to serve through gunicorn: one stuck in Python, one stuck in C, where no exception can
reach it until the call returns.
"""

import time

from screenmania.wsgi import application as site


def application(environ, start_response):
    if environ["PATH_INFO"] == "/stuck/python/":
        while True:
            pass
    if environ["PATH_INFO"] == "/stuck/c/":
        time.sleep(3600)
    return site(environ, start_response)
