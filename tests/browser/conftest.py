"""One Chromium per module, with the flags that keep it quiet on a machine without a network."""

import threading

import pytest
from django.core.signals import request_finished, request_started
from django.db import connections
from playwright.sync_api import BrowserContext, expect, sync_playwright

from tests.browser.test_reading import CHROMIUM_ARGS

# The suite runs a process per core, each with its browsers and servers: an upload that
# takes a second alone can take several then. A check that holds returns at once, so
# only a failing one waits this long (playwright's default is 5 s).
expect.set_options(timeout=15_000)


class LiveRequests:
    """
    The live servers' requests in progress: those of their threads, not the test's own
    client, whose requests run in the test's thread.
    """

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count += 1

    def finished(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_none(self, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout)


live_requests = LiveRequests()
request_started.connect(live_requests.started, dispatch_uid="tests.browser.live_requests")
request_finished.connect(live_requests.finished, dispatch_uid="tests.browser.live_requests")

close_online = BrowserContext.close


def close_offline(context, *args, **kwargs):
    """
    Every context, whether a test closes it or the fixture does, goes offline first: a
    closing page sends the writer's working copy (autosave.js, on « pagehide »), which
    would reach the live server while the test's database is being emptied. On SQLite
    the emptying then fails, and the next test finds the last one's users.
    """
    context.set_offline(True)
    close_online(context, *args, **kwargs)


@pytest.fixture(scope="module")
def module_chromium(chromium_path):
    """
    Chromium for a module's tests: starting playwright's driver and the browser costs
    about a second of processor time, which each of the seventy browser tests paid.

    Playwright's sync API runs an event loop in this thread for as long as it is started,
    so that Django's ORM, used by the fixtures and by the tests between two browser
    steps, must be told that it is safe. Django would also keep the connections the
    thread opens meanwhile apart from those it opened before (asgiref's Local, in an
    « async » thread): the thread is given back its own. Otherwise, on SQLite, the
    test's flush and the live server's requests, on two connections to one in-memory
    database, lock each other's tables; on PostgreSQL, a connection left open would
    stop the teardown from dropping the test database.
    """
    own = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        patch.setattr(BrowserContext, "close", close_offline)
        for alias, connection in own.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium(module_chromium):
    """
    The module's Chromium, left as the test found it: every context (window, cookies,
    storage) the test opened is closed after it.
    """
    yield module_chromium
    for context in module_chromium.contexts:
        context.close()
    # A request sent before (an autosave, an upload) may still be running, and on
    # PostgreSQL the test database's emptying, which comes next, deadlocks with it.
    assert live_requests.wait_until_none(timeout=30), "a live server's request never ended"
