"""An email backend that sends through GOV.UK Notify instead of an SMTP server.

Notify sends only from templates made in its web interface, so make one email template whose
subject is `((subject))` and whose message is `((body))`, and set (README, "Scheduling"):

    EMAIL_BACKEND=notifications.notify_backend.NotifyEmailBackend
    NOTIFY_API_KEY=<the service's API key>
    NOTIFY_EMAIL_TEMPLATE_ID=<the template's id>

Each recipient of a message (to, cc and bcc) gets one email with the message's subject and
plain-text body. An HTML alternative and attachments are not sent: Notify lays out the text
itself. The sender is the Notify service's address, not DEFAULT_FROM_EMAIL.

Failures behave as an SMTP server's do. Each is logged with Notify's status and reason (never the
API key, the addresses or the body, which may hold a password reset link). When Notify refuses the
address itself (not a valid address, or one a team or trial key may not send to), it is raised as
`smtplib.SMTPRecipientsRefused`, so a notification is kept in the list and marked undeliverable
(`notifications.delivery`). Anything else (Notify could not be reached, was busy, or refused the
key or the template) is raised as `NotifyError`, an OSError as SMTP's errors are, so the task
tries again later (`peertrack.tasks.retry_later`) and the failure is listed at /background-tasks/.
With `fail_silently` nothing is raised and the message is not counted as sent. A retry sends the
whole message again, to every recipient.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

logger = logging.getLogger(__name__)

# A Notify API key is "<key name>-<service id>-<secret>": two UUIDs of 36 characters at its end.
_SHORTEST_KEY = 36 + 1 + 36


class NotifyError(OSError):
    """GOV.UK Notify did not take an email: an OSError, as SMTP's errors are, so the task retries."""


def _reason(error: APIError) -> str:
    """Returns Notify's status and reason in words, e.g. "400: email_address Not a valid email address"."""
    said = error.message
    if isinstance(said, list):
        said = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in said)
    return f"{error.status_code}: {said}"


def _refuses_the_address(error: APIError) -> bool:
    """True when Notify refused the recipient's address itself, which no later attempt can change."""
    reason = _reason(error)
    return error.status_code == 400 and ("email_address" in reason or "this recipient" in reason)


class NotifyEmailBackend(BaseEmailBackend):
    """Sends each message through GOV.UK Notify's one generic email template (module docstring)."""

    def __init__(self, *, api_key: str | None = None, template_id: str | None = None, fail_silently: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_EMAIL_TEMPLATE_ID
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured("Sending email through GOV.UK Notify needs NOTIFY_API_KEY and "
                                       "NOTIFY_EMAIL_TEMPLATE_ID.")
        if len(self.api_key) < _SHORTEST_KEY:
            raise ImproperlyConfigured("NOTIFY_API_KEY is not a whole GOV.UK Notify API key: copy all of it, "
                                       "key name, service id and secret.")
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        """Makes the Notify client; returns True when it was not made yet."""
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(self.api_key)
        return True

    def close(self) -> None:
        self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        """Sends each message to each of its recipients; returns how many messages were sent."""
        if not email_messages:
            return 0
        opened = self.open()
        try:
            return sum(1 for message in email_messages if self._send(message))
        finally:
            if opened:
                self.close()

    def _send(self, message: EmailMessage) -> bool:
        assert self.client is not None  # opened by send_messages
        recipients = message.recipients()
        if not recipients:
            return False
        personalisation = {"subject": message.subject, "body": message.body}
        try:
            for address in recipients:
                self.client.send_email_notification(email_address=address, template_id=self.template_id,
                                                    personalisation=personalisation)
        except APIError as error:
            failure = f"GOV.UK Notify did not send the email “{message.subject}” ({_reason(error)})"
            logger.error("%s.", failure)
            if self.fail_silently:
                return False
            if _refuses_the_address(error):
                raise smtplib.SMTPRecipientsRefused({address: (error.status_code, _reason(error).encode())}) from error
            raise NotifyError(f"{failure}.") from error
        return True
