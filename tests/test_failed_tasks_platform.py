"""Failures of tasks that concern no one council (a password reset email, tidying task records) are
listed on the failed tasks page for platform superusers; a council's coordinators and administrators
still see their council's failures only, and everyone else is refused the page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from peertrack import tasks as peertrack_tasks
from tests.test_task_worker import ATTEMPTS, DATABASE_BACKEND, flaky_task

REFUSING = "tests.test_task_worker.RefusingBackend"
NO_COUNCIL = "Connection refused by the mail server"
NORTHTOWN = "The mail server did not answer (attempt 1)."

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("failures")]


@pytest.fixture
def failures(northtown):
    """One failed try of a Northtown task, and two of a password reset email (no council): its first
    try, and its retry (which names the council as None)."""
    from django_tasks_db.models import DBTaskResult

    ATTEMPTS.clear()
    with override_settings(TASKS=DATABASE_BACKEND, EMAIL_BACKEND=REFUSING):
        flaky_task.enqueue(council_id=northtown.pk)
        peertrack_tasks.send_email.enqueue(subject="Reset your password", body="A link.", to=["a@example.invalid"])
        call_command("db_worker", "--batch", "--interval", "0")
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY, task_path__endswith=".send_email")
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
        call_command("db_worker", "--batch", "--interval", "0")
        yield


@pytest.fixture
def root(db):
    return get_user_model().objects.create(username="root", first_name="Platform", is_staff=True,
                                           is_superuser=True)


def test_failures_without_a_council_are_listed_only_when_asked_for(northtown):
    assert [(failure.name, failure.attempt) for failure in peertrack_tasks.failed_tasks([], without_council=True)] == [
        ("Send an email", 2), ("Send an email", 1)]
    assert [failure.name for failure in peertrack_tasks.failed_tasks([northtown.pk])] == ["Send a test email"]
    assert peertrack_tasks.failed_tasks([]) == []


def test_a_superuser_sees_the_failures_of_tasks_for_no_council(client, root):
    client.force_login(root)
    page = client.get(reverse("failed_tasks"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "These are the failed tries for tasks that concern no one council, newest first." in body
    assert body.count(NO_COUNCIL) == 2 and NORTHTOWN not in body


def test_a_superuser_who_coordinates_a_council_sees_both(client, root, northtown):
    from recommendations.models import Membership

    Membership.objects.create(user=root, council=northtown, role=Membership.Role.COORDINATOR)
    client.force_login(root)
    body = client.get(reverse("failed_tasks")).content.decode()
    assert "for Northtown Council and for tasks that concern no one council" in body
    assert body.count(NO_COUNCIL) == 2 and NORTHTOWN in body


def test_coordinators_and_administrators_still_see_their_councils_only(client, alice, dave, bob):
    for user in (alice, dave):
        client.force_login(user)
        body = client.get(reverse("failed_tasks")).content.decode()
        assert NORTHTOWN in body and NO_COUNCIL not in body
    client.force_login(bob)
    assert client.get(reverse("failed_tasks")).status_code == 403
