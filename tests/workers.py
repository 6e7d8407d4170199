"""
A real task worker (manage.py tasks_worker) in a process of its own, on the test's
database and, when REDIS_URL is set, on RQ in this test process's Redis database
(conftest.py): the backend the settings choose, as `make run` and production run it.

PostgreSQL's test database is reachable from another process as it is; SQLite's lives
in this process's memory, so for the test the default connection moves to a file,
a copy of the migrated test database. Either way what the test writes is committed
at once, so that the worker sees it.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def worker_database(request, transactional_db, tmp_path, django_db_blocker):
    """The test database, shared with the workers the test starts: its DATABASE_URL."""
    if connection.vendor == "postgresql":
        database = connection.settings_dict
        yield (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        )
        return
    migrated = request.getfixturevalue("migrated_database")
    file = tmp_path / "db.sqlite3"
    with sqlite3.connect(migrated) as source, sqlite3.connect(file) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    with django_db_blocker.unblock():
        # The in-memory database is kept aside, open: closing it would lose it.
        in_memory, name = connection.connection, connection.settings_dict["NAME"]
        connection.connection = None
        connection.settings_dict["NAME"] = str(file)
        # The content types' ids this process keeps are the in-memory database's, which a
        # transactional test's flush numbers anew: the copy's may differ (an admin log
        # entry would then name a type the file lacks).
        ContentType.objects.clear_cache()
        try:
            yield f"sqlite:///{file}"
        finally:
            connection.close()
            connection.settings_dict["NAME"] = name
            connection.connection = in_memory
            ContentType.objects.clear_cache()


@pytest.fixture
def private_root(settings, tmp_path):
    """Where uploaded exports are kept, out of the site's reach: a folder of the test's."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


class Worker:
    """``manage.py tasks_worker`` running on ``database_url``, its output kept in a file."""

    def __init__(self, database_url, log, **environment):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_ROOT": str(settings.STORAGES["private"]["OPTIONS"]["location"]),
            "TASKS_QUEUE": settings.TASKS_QUEUE,
            **environment,
        }
        with open(log, "ab") as output:
            # A session of its own: stopping it stops the process RQ forks for each task.
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "tasks_worker", "--verbosity", "2"],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self):
        return Path(self.log).read_text(errors="replace")[-4000:]

    def stop(self):
        """As systemd stops it: SIGTERM, a graceful end."""
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        """
        As a lost machine would: no time to tidy up, for the worker nor for the process RQ
        forks for each task, which makes a session of its own.
        """
        children = children_of(self.process.pid)
        self.signal(signal.SIGKILL)
        for child in children:
            with suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=20)

    def signal(self, number):
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)


def children_of(pid):
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # The parent's id is the second field after the command, which is in brackets.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


@contextmanager
def running_worker(database_url, tmp_path, **environment):
    worker = Worker(database_url, tmp_path / "worker.log", **environment)
    try:
        yield worker
    finally:
        worker.stop()


def wait_for(condition, worker, *, timeout=60, what="the worker"):
    """Polls ``condition()`` until it is true; fails with the worker's output otherwise."""
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"{what} exited:\n{worker.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not finish in {timeout} s:\n{worker.output()}")
        time.sleep(0.2)
