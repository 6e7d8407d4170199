"""
Images downloaded from the old site, when the administrator allows it: only http(s), only
public addresses (the server must not be made to read its own network for whoever wrote
the export), a time limit on each step and on the whole, and a cap on the size.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 10  # seconds, for each connection or read
DEADLINE = 30  # seconds, for the whole download
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class FetchRefused(Exception):
    """Why an address was not downloaded, in the editor's language."""


def fetch(url, max_bytes=None):
    """The bytes at ``url``, or FetchRefused."""
    max_bytes = max_bytes or settings.IMAGE_MAX_UPLOAD_BYTES
    deadline = time.monotonic() + DEADLINE
    for _redirect in range(MAX_REDIRECTS + 1):
        response, connection = _get(url, deadline)
        try:
            if response.status in {301, 302, 303, 307, 308} and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise FetchRefused(
                    _("the old site answered %(status)s") % {"status": response.status}
                )
            return _read(response, max_bytes, deadline)
        finally:
            connection.close()
    raise FetchRefused(_("too many redirections"))


def _get(url, deadline):
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchRefused(_("only http and https addresses are downloaded"))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address(parts.hostname, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # Connected to the address just checked, not to the name again: a second lookup
    # could answer a private address (DNS rebinding).
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(parts.hostname, address, port, timeout=TIMEOUT)
    else:
        connection = _PinnedHTTPConnection(parts.hostname, address, port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"User-Agent": "Screenmania WordPress import"})
        response = connection.getresponse()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        message = _("the old site could not be reached (%(error)s)") % {"error": error}
        raise FetchRefused(message) from None
    if time.monotonic() > deadline:
        connection.close()
        raise FetchRefused(_("the download took too long"))
    return response, connection


def public_address(host, port):
    """The first address of ``host``, if every one it has is public; else FetchRefused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchRefused(_("unknown host (%(error)s)") % {"error": error}) from None
    addresses = [info[4][0] for info in found]
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise FetchRefused(_("the address is not a public one"))
    return addresses[0]


def _read(response, max_bytes, deadline):
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(_("the file is larger than the upload limit"))
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(_("the file is larger than the upload limit"))
        if time.monotonic() > deadline:
            raise FetchRefused(_("the download took too long"))
        chunks.append(chunk)
    return b"".join(chunks)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, port, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, port, **kwargs):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, context=self.tls, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the name, as for any HTTPS request.
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
