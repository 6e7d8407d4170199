"""
gunicorn lets a client say it came over HTTPS (X-Forwarded-Proto) only behind a
TLS-terminating proxy, DJANGO_BEHIND_TLS_PROXY: anywhere else plain HTTP is redirected,
whatever the headers, and from whatever address.
"""

import socket
import subprocess
import time

import pytest

from tests.test_production_server import (
    BASE_DIR,
    CONFIG,
    GUNICORN,
    get,
    gunicorn_settings,
    production_env,
)


@pytest.fixture(scope="module")
def server_without_proxy(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("no-proxy")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}")
    # Production's default, which the other server tests turn off.
    env["DJANGO_SECURE_SSL_REDIRECT"] = "1"
    env.pop("FORWARDED_ALLOW_IPS", None)
    process = subprocess.Popen(  # noqa: S603 (our gunicorn and config)
        [str(GUNICORN), "-c", str(CONFIG)], cwd=BASE_DIR, env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=15)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Protocol": "ssl"},
    ],
)
def test_without_a_proxy_no_header_makes_plain_http_secure(server_without_proxy, headers):
    response, _body = get(server_without_proxy, "/robots.txt", **headers)
    assert response.status == 301
    assert response.headers["Location"] == "https://127.0.0.1/robots.txt"


def test_behind_a_proxy_gunicorn_trusts_that_proxy_alone():
    assert gunicorn_settings(DJANGO_BEHIND_TLS_PROXY="1")["forwarded_allow_ips"] == "127.0.0.1"
    chosen = gunicorn_settings(DJANGO_BEHIND_TLS_PROXY="1", FORWARDED_ALLOW_IPS="10.0.0.2")
    assert chosen["forwarded_allow_ips"] == "10.0.0.2"
    assert gunicorn_settings(FORWARDED_ALLOW_IPS="10.0.0.2")["forwarded_allow_ips"] == ""
