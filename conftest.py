import os

import pytest


def pytest_configure(config):
    """
    `make test` runs the suite in several processes (pytest-xdist). Each test starts
    from an empty cache, and emptying a Redis cache empties its whole database: each
    process therefore takes a Redis database of its own, as pytest-django gives it a
    database of its own. The servers that tests start inherit it from the environment.
    Django's caches are made on first use, so the change lands before any of them.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    redis_url = os.environ.get("REDIS_URL")
    if not (worker and redis_url):
        return
    from django.conf import settings

    # gw0 takes database 1, gw1 database 2…: database 0 stays the one `make run` uses.
    database = int(worker.removeprefix("gw")) + 1
    own_url = f"{redis_url.rsplit('/', 1)[0]}/{database}"
    os.environ["REDIS_URL"] = own_url
    settings.CACHES["default"]["LOCATION"] = own_url
    # The task queue too: a worker a test starts takes only that process's tasks.
    for queue in getattr(settings, "RQ_QUEUES", {}).values():
        queue["URL"] = own_url


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a folder of its own, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
