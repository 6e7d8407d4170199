"""
Every request has a time limit, in both worker classes gunicorn.conf.py configures:
sync workers (with Redis) and one threaded worker (without). A request past the limit
is interrupted and answered 500 while the worker goes on serving; one stuck where it
cannot be interrupted takes its worker down, and the master starts another.
"""

import http.client
import time

import pytest

from tests.servers import copy_database, free_port, production_env, serving

# gunicorn's time limit on a request: nothing a database changes (CI runs it on SQLite).
pytestmark = pytest.mark.same_on_every_database

STUCK_APP = "tests.stuck_wsgi:application"
LIMIT = 2
# How long after the interruption a stuck worker exits: 10 s in production, shorter
# here so that the suite does not wait it out twice.
GRACE = 2
# How late an answer may come on a loaded machine (`make test` runs two test processes
# beside the servers). The stuck views never end by themselves, so an answer within
# this slack still proves that the limit ended them.
SLACK = 8

WORKER_CLASSES = {
    "sync workers": {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1"},
    "one threaded worker": {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"},
}


def get(port, path, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module", params=list(WORKER_CLASSES), ids=list(WORKER_CLASSES))
def server(request, tmp_path_factory, migrated_database):
    tmp_path = tmp_path_factory.mktemp("time-limit")
    port = free_port()
    env = production_env(
        tmp_path,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_TIMEOUT=str(LIMIT),
        GUNICORN_REQUEST_GRACE=str(GRACE),
        **WORKER_CLASSES[request.param],
    )
    copy_database(migrated_database, env)
    with (tmp_path / "gunicorn.log").open("w+") as log, serving(env, STUCK_APP, stderr=log):
        yield port, log


def logged(log):
    log.flush()
    log.seek(0)
    return log.read()


def test_a_request_past_the_limit_is_interrupted_and_the_worker_serves_on(server):
    port, log = server
    started = time.monotonic()

    status, _ = get(port, "/stuck/python/")

    assert status == 500
    assert LIMIT <= time.monotonic() - started < LIMIT + SLACK
    assert "GET /stuck/python/ ran for 2 s, past the limit of 2 s: interrupted" in logged(log)
    assert "RequestTimeout" in logged(log)
    assert get(port, "/robots.txt")[0] == 200


def test_a_request_stuck_out_of_reach_ends_its_worker_and_another_serves(server):
    port, log = server
    started = time.monotonic()

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        get(port, "/stuck/c/")

    assert LIMIT + GRACE <= time.monotonic() - started < LIMIT + GRACE + SLACK
    assert "GET /stuck/c/ still runs" in logged(log)
    deadline = time.monotonic() + 30
    while True:
        try:
            assert get(port, "/robots.txt", timeout=5)[0] == 200
            break
        except OSError:
            assert time.monotonic() < deadline, "no worker came back"
            time.sleep(0.2)
