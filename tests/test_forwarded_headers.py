"""
gunicorn lets a client say it came over HTTPS (X-Forwarded-Proto) only behind a
TLS-terminating proxy, DJANGO_BEHIND_TLS_PROXY: anywhere else plain HTTP is redirected,
whatever the headers, and from whatever address.
"""

import pytest

from tests.servers import free_port, get, production_env, serving
from tests.test_production_server import gunicorn_settings


@pytest.fixture(scope="module")
def server_without_proxy(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("no-proxy")
    env = production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{free_port()}")
    # Production's default, which the other server tests turn off.
    env["DJANGO_SECURE_SSL_REDIRECT"] = "1"
    env.pop("FORWARDED_ALLOW_IPS", None)
    with serving(env):
        yield int(env["GUNICORN_BIND"].rsplit(":", 1)[1])


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
