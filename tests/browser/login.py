"""A browser window logged in to the newsroom without going through its login form."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client


def log_in_by_cookie(context, origin, username):
    """
    ``context`` (a browser window) logged in as ``username``, as the login form would leave
    it: the session is opened by Django's test client, and its cookie handed to the
    browser. The form cost each of the browser tests' forty-odd logins a page and a post;
    it is driven where logging in is the behaviour (test_two_factor_browser.py).
    """
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": origin}])
