"""A notification through Django's real SMTP backend to a real SMTP server (aiosmtpd) on this machine."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from notifications.kinds import Kind
from tests import factories
from tests.notifications.conftest import notes


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, EMAIL_USE_TLS=False,
                               EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_TIMEOUT=10,
                               DEFAULT_FROM_EMAIL="peertrack@northtown.example",
                               PEERTRACK_BASE_URL="https://actions.northtown.example"):
            yield inbox
    finally:
        controller.stop()


def _parts(message: Any) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def test_a_notification_is_delivered_by_smtp(people, recommendation, committed, smtp_server):
    bob = people["bob"]
    with committed():
        action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                       due_date=timezone.localdate() + dt.timedelta(days=60))
    [note] = notes(bob, Kind.LEAD_OFFICER)
    assert note.emailed_at is not None

    [(sender, recipients, content)] = smtp_server.received
    assert sender == "peertrack@northtown.example" and recipients == [bob.email]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == (f"You are the lead officer for action {action.reference} "
                                  "(Corporate Peer Challenge 2024)")
    assert message["To"] == bob.email
    assert message["Auto-Submitted"] == "auto-generated"
    parts = _parts(message)
    link = f"https://actions.northtown.example{action.get_absolute_url()}"
    assert parts["text/plain"].startswith("Dear Bob,")
    assert f"You are now the lead officer for action {action.reference}" in parts["text/plain"]
    assert f"Open it: {link}" in parts["text/plain"]
    assert "https://actions.northtown.example/notifications/settings/" in parts["text/plain"]
    assert f'href="{link}"' in parts["text/html"]
