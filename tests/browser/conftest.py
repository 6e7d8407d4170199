"""One Chromium per test, with the flags that keep it quiet on a machine without a network."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_reading import CHROMIUM_ARGS

# The suite runs a process per core, each with its browsers and servers: an upload that
# takes a second alone can take several then. A check that holds returns at once, so
# only a failing one waits this long (playwright's default is 5 s).
expect.set_options(timeout=15_000)


@pytest.fixture
def chromium(chromium_path, monkeypatch):
    """
    Chromium, for tests that ask for their data fixtures first: an ORM call made while
    the browser is open opens, on PostgreSQL, a connection that escapes the test
    database's teardown, which then cannot drop the database.
    """
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # test itself between two browser steps, would otherwise refuse to run beside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
