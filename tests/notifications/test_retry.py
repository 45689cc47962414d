"""Made once and sent once, whatever fails: a mail server that drops out part-way, a retried task, a
second run, an address the server refuses."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from notifications import delivery
from notifications.kinds import Kind
from notifications.models import Notification, OutgoingEmail
from notifications.tasks import send_scheduled
from peertrack import tasks as peertrack_tasks
from recommendations.models import Membership
from tests import factories

TODAY = timezone.localdate()
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FLAKY = "tests.notifications.test_retry.FlakyBackend"


class FlakyBackend(BaseEmailBackend):
    """Records what it sends; fails on the calls numbered in FAIL_ON (counting every call), and
    refuses the addresses in REFUSE for good."""

    SENT: list[Any] = []
    CALLS = 0
    FAIL_ON: set[int] = set()
    REFUSE: set[str] = set()

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            FlakyBackend.CALLS += 1
            if FlakyBackend.CALLS in FlakyBackend.FAIL_ON:
                raise smtplib.SMTPServerDisconnected("The mail server went away.")
            if set(message.to) & FlakyBackend.REFUSE:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
            FlakyBackend.SENT.append(message)
        return len(email_messages)


@pytest.fixture(autouse=True)
def _flaky() -> Any:
    FlakyBackend.SENT, FlakyBackend.CALLS, FlakyBackend.FAIL_ON, FlakyBackend.REFUSE = [], 0, set(), set()
    with override_settings(EMAIL_BACKEND=FLAKY):
        yield


def _officers(council: Any, recommendation: Any, count: int = 3) -> list[Any]:
    """Officers with an email address, each leading one overdue action made a month ago (not news)."""
    officers = []
    for number in range(count):
        officer = factories.make_user(username=f"officer{number}", council=council, role=Membership.Role.OFFICER,
                                      email=f"officer{number}@northtown.example", first_name=f"Officer{number}")
        factories.make_action(recommendation=recommendation, lead_officer=officer, reference=f"1.{number + 1}",
                              due_date=TODAY - dt.timedelta(days=3),
                              created_at=timezone.now() - dt.timedelta(days=30))
        officers.append(officer)
    return officers


def _emails_to(officer: Any) -> list[Any]:
    return [message for message in FlakyBackend.SENT if message.to == [officer.email]]


def test_a_send_that_fails_leaves_the_notification_unsent_for_the_next_attempt(northtown, recommendation):
    [officer] = _officers(northtown, recommendation, count=1)
    delivery.make([delivery.Draft(recipient=officer, council_id=northtown.pk, kind=Kind.OVERDUE,
                                  subject="action:1", title="Overdue", body="It is late.")])
    FlakyBackend.FAIL_ON = {1}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery.send_unsent(northtown.pk)
    note = Notification.objects.get()
    assert note.emailed_at is None and note.sent_in is None and not OutgoingEmail.objects.exists()
    assert delivery.send_unsent(northtown.pk) == 1
    assert delivery.send_unsent(northtown.pk) == 0
    assert len(_emails_to(officer)) == 1


def test_an_address_the_server_refuses_is_recorded_and_not_tried_again(northtown, recommendation):
    [officer] = _officers(northtown, recommendation, count=1)
    delivery.make([delivery.Draft(recipient=officer, council_id=northtown.pk, kind=Kind.OVERDUE,
                                  subject="action:1", title="Overdue", body="It is late.")])
    FlakyBackend.REFUSE = {officer.email}
    assert delivery.send_unsent(northtown.pk) == 0
    note = Notification.objects.get()
    assert note.email == Notification.Email.NONE and "refused the address" in note.email_error
    assert delivery.send_unsent(northtown.pk) == 0 and FlakyBackend.CALLS == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_BACKEND)
def test_a_retried_task_sends_what_the_failed_attempt_did_not_and_nothing_twice(northtown, recommendation):
    from django_tasks_db.models import DBTaskResult

    officers = _officers(northtown, recommendation)
    FlakyBackend.FAIL_ON = {2}  # the second officer's email: the server drops out part-way
    send_scheduled.enqueue(council_id=northtown.pk, day=TODAY.isoformat())
    call_command("db_worker", "--batch", "--interval", "0")

    assert [len(_emails_to(officer)) for officer in officers] == [1, 0, 0]
    made = Notification.objects.count()
    assert made == 3  # each officer: overdue (the actions were recorded as made a month ago: not news)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    [failure] = peertrack_tasks.failed_tasks([northtown.pk])
    assert (failure.name, failure.attempt, failure.will_retry) == ("Send the day's notifications", 1, True)

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    call_command("db_worker", "--batch", "--interval", "0")

    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    assert [len(_emails_to(officer)) for officer in officers] == [1, 1, 1]
    assert Notification.objects.count() == made
    assert not Notification.objects.filter(email=Notification.Email.IMMEDIATE, emailed_at__isnull=True).exists()
    first = _emails_to(officers[0])[0]
    assert first.subject == "Action 1.1 (Corporate Peer Challenge 2024) is overdue"

    # Tomorrow's run, and the same day's run again, find everything made and sent.
    send_scheduled.enqueue(council_id=northtown.pk, day=TODAY.isoformat())
    send_scheduled.enqueue(council_id=northtown.pk, day=(TODAY + dt.timedelta(days=1)).isoformat())
    call_command("db_worker", "--batch", "--interval", "0")
    assert [len(_emails_to(officer)) for officer in officers] == [1, 1, 1]
    assert Notification.objects.count() == made
