"""
A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, parsed
with Python's ``email`` package as a mail client would read it.

``smtp_server`` points Django's SMTP backend at it for the test; a worker started in
another process reaches it through the EMAIL_HOST and EMAIL_PORT it is given.
"""

import socket
import threading
import time
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the server accepted: ``messages`` (EmailMessage), in order of arrival."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self._lock = threading.Lock()
        # Called with each message before the server answers it: a test may refuse it
        # (return an SMTP reply such as "550 …") or act at that moment.
        self.before_accepting = None

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        if self.before_accepting is not None:
            reply = self.before_accepting(message, envelope)
            if reply:
                return reply
        with self._lock:
            self.messages.append(message)
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages whose envelope was addressed to ``address``."""
        with self._lock:
            return [
                message
                for message, envelope in zip(self.messages, self.envelopes, strict=True)
                if address.lower() in (rcpt.lower() for rcpt in envelope.rcpt_tos)
            ]

    def wait_for(self, count, timeout=30):
        """Waits until ``count`` messages have arrived; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.messages)} messages arrived in {timeout} s, not {count}"
                )
            time.sleep(0.05)
        return list(self.messages)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A mail server on loopback, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    mailbox.host, mailbox.port = controller.hostname, controller.port
    try:
        yield mailbox
    finally:
        controller.stop()
