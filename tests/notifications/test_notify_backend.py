"""Email through GOV.UK Notify (notifications/notify_backend.py), with Notify's API answered in the test.

The real Notify client runs; only its HTTP requests are answered here (`notify_api`), so what is
sent, how Notify's errors are read and what is logged are those of the client as shipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django_tasks.base import TaskResultStatus

from notifications import delivery
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.notify_backend import NotifyEmailBackend, NotifyError
from peertrack import tasks as peertrack_tasks

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"peertrack_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
NOTIFY = {"EMAIL_BACKEND": "notifications.notify_backend.NotifyEmailBackend", "NOTIFY_API_KEY": API_KEY,
          "NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATE_ID}
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class NotifyAPI:
    """Answers the Notify client's requests: 201 Created, or the failure set in `fail_with`."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.fail_with: tuple[int, str] | None = None
        self.unreachable = False

    def request(self, session: Any, method: str, url: str, **kwargs: Any) -> requests.Response:
        if self.unreachable:
            raise requests.ConnectionError("Connection refused")
        response = requests.Response()
        response.url = url
        if self.fail_with:
            status, message = self.fail_with
            body: dict[str, Any] = {"status_code": status, "errors": [{"error": "BadRequestError", "message": message}]}
        else:
            status, body = 201, {"id": f"notification-{len(self.sent) + 1}"}
            self.sent.append({"url": url, **json.loads(kwargs["data"])})
            self.headers.append(kwargs["headers"])
        response.status_code = status
        response._content = json.dumps(body).encode()
        return response


@pytest.fixture
def notify_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyAPI]:
    api = NotifyAPI()
    monkeypatch.setattr(requests.Session, "request", lambda session, method, url, **kwargs: api.request(
        session, method, url, **kwargs))
    with override_settings(**NOTIFY):
        yield api


def _logs_hold_no_secret(caplog: pytest.LogCaptureFixture) -> bool:
    return SECRET not in caplog.text and API_KEY not in caplog.text


def test_each_recipient_gets_the_subject_and_body_through_the_one_template(notify_api):
    sent = mail.send_mail("Action 1.1 is overdue", "Please record an update.", None,
                          ["bob@northtown.example", "olive@northtown.example"])
    assert sent == 1
    assert notify_api.sent == [
        {"url": "https://api.notifications.service.gov.uk/v2/notifications/email",
         "email_address": address, "template_id": TEMPLATE_ID,
         "personalisation": {"subject": "Action 1.1 is overdue", "body": "Please record an update."}}
        for address in ("bob@northtown.example", "olive@northtown.example")]
    # Signed with the key (a JSON Web Token), never the key itself.
    assert all(header["Authorization"].startswith("Bearer ey") and SECRET not in header["Authorization"]
               for header in notify_api.headers)


def test_the_send_email_task_sends_the_text_and_leaves_out_the_html(notify_api):
    assert peertrack_tasks.send_email.enqueue(subject="Hello", body="Plain words.", to=["alice@northtown.example"],
                                              html="<p>Plain words.</p>").return_value == 1
    [sent] = notify_api.sent
    assert sent["personalisation"] == {"subject": "Hello", "body": "Plain words."}


@pytest.mark.parametrize(("unreachable", "fail_with", "reason"), [
    (True, None, "503: Request failed"),
    (False, (503, "Service temporarily unavailable"), "503: Service temporarily unavailable"),
    (False, (403, "Invalid token: API key not found"), "403: Invalid token: API key not found"),
])
def test_a_failure_is_logged_without_the_key_and_raised_as_an_oserror(notify_api, caplog, unreachable, fail_with,
                                                                      reason):
    notify_api.unreachable, notify_api.fail_with = unreachable, fail_with
    with caplog.at_level(logging.WARNING), pytest.raises(NotifyError) as raised:
        mail.send_mail("Your password", "https://peertrack.example/reset/secret-token/", None, ["a@example.org"])
    assert isinstance(raised.value, OSError)  # as SMTP's errors are: the tasks try again later
    assert str(raised.value) == f"GOV.UK Notify did not send the email “Your password” ({reason})."
    assert f"GOV.UK Notify did not send the email “Your password” ({reason})." in caplog.text
    assert _logs_hold_no_secret(caplog)
    assert "secret-token" not in caplog.text and "a@example.org" not in caplog.text


def test_fail_silently_logs_the_failure_and_counts_the_message_as_not_sent(notify_api, caplog):
    notify_api.fail_with = (503, "Service temporarily unavailable")
    with caplog.at_level(logging.ERROR):
        assert mail.send_mail("Hello", "Text", None, ["a@example.org"], fail_silently=True) == 0
    assert "GOV.UK Notify did not send the email “Hello” (503: Service temporarily unavailable)." in caplog.text
    assert _logs_hold_no_secret(caplog)


@pytest.mark.django_db
def test_an_address_notify_refuses_is_marked_undeliverable_as_with_smtp(notify_api, people, northtown):
    notify_api.fail_with = (400, "Can't send to this recipient using a team-only API key")
    bob = people["bob"]
    delivery.make([delivery.Draft(recipient=bob, council_id=northtown.pk, kind=Kind.OVERDUE, subject="action:1",
                                  title="Overdue", body="It is late.")])
    assert delivery.send_unsent(northtown.pk) == 0
    note = Notification.objects.get()
    assert note.email == Notification.Email.NONE
    assert "refused the address" in note.email_error and "team-only API key" in note.email_error
    notify_api.fail_with = None
    assert delivery.send_unsent(northtown.pk) == 0 and notify_api.sent == []  # not tried again


@pytest.mark.django_db(transaction=True)
def test_an_email_notify_cannot_take_is_tried_again_later_and_listed(notify_api, northtown, caplog):
    from django_tasks_db.models import DBTaskResult

    notify_api.fail_with = (500, "Internal server error")
    with override_settings(TASKS=DATABASE_BACKEND), caplog.at_level(logging.WARNING):
        peertrack_tasks.send_email.enqueue(subject="Hello", body="Text", to=["a@example.org"],
                                           council_id=northtown.pk)
        call_command("db_worker", "--batch", "--interval", "0")
    [shown] = peertrack_tasks.failed_tasks([northtown.pk])
    assert (shown.name, shown.attempt, shown.will_retry) == ("Send an email", 1, True)
    assert shown.error == ("notifications.notify_backend.NotifyError: GOV.UK Notify did not send the email "
                           "“Hello” (500: Internal server error).")
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path__endswith=".send_email")
    assert [row.args_kwargs["kwargs"]["attempt"] for row in queued] == [2]
    assert _logs_hold_no_secret(caplog)


@pytest.mark.parametrize(("settings_given", "message"), [
    ({"NOTIFY_API_KEY": ""}, "needs NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID"),
    ({"NOTIFY_EMAIL_TEMPLATE_ID": ""}, "needs NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID"),
    ({"NOTIFY_API_KEY": SECRET}, "is not a whole GOV.UK Notify API key"),
])
def test_missing_or_partial_settings_stop_with_a_message_that_names_them_and_not_the_key(settings_given, message):
    with override_settings(**{**NOTIFY, **settings_given}), pytest.raises(ImproperlyConfigured) as raised:
        NotifyEmailBackend()
    assert message in str(raised.value) and SECRET not in str(raised.value)
