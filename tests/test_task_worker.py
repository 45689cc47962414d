"""The task queue for real: a task queued in the database is run by the worker process.

The rest of the suite runs tasks as they are enqueued (PEERTRACK_TASKS_IMMEDIATE=1). Here a
scratch database (a SQLite file, or a PostgreSQL database when DATABASE_URL names one) is
migrated, a task is queued through the database backend by one process, and `manage.py
db_worker --batch` (the worker `make demo` and `make serve` start) runs it in another. A second
test runs the same worker code in this process to check retries with back-off and what the
failed tasks page shows.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess  # nosec B404: runs this project's own manage.py
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from peertrack import tasks as peertrack_tasks

ROOT = Path(__file__).resolve().parent.parent
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _scratch_database(tmp_path: Path) -> tuple[str, object]:
    """Returns a DATABASE_URL for a new, empty database, and a function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}", lambda: None
    import psycopg

    name = f"peertrack_worker_{uuid.uuid4().hex[:10]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + f"/{name}", drop


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    environment.pop("PEERTRACK_TASKS_IMMEDIATE", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,  # nosec B603
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_queued_task_is_run_by_the_worker_process(tmp_path):
    database_url, drop = _scratch_database(tmp_path)
    try:
        migrated = _manage(database_url, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        queued = _manage(database_url, "shell", "--no-imports", "-c",
                         "from peertrack.tasks import prune_finished_tasks; "
                         "print(prune_finished_tasks.enqueue(days=30).id)")
        assert queued.returncode == 0, queued.stderr
        task_id = queued.stdout.strip().splitlines()[-1]
        status = ("from django_tasks_db.models import DBTaskResult; "
                  f"r = DBTaskResult.objects.get(id='{task_id}'); print(r.status, r.return_value)")
        assert _manage(database_url, "shell", "--no-imports", "-c", status).stdout.split() == ["READY", "None"]

        worker = _manage(database_url, "db_worker", "--batch", "--interval", "0.1")
        assert worker.returncode == 0, worker.stderr

        assert _manage(database_url, "shell", "--no-imports", "-c", status).stdout.split() == ["SUCCESSFUL", "0"]
    finally:
        drop()  # type: ignore[operator]


class MailServerDown(Exception):
    """Stands for a passing failure, such as an SMTP server that does not answer."""


ATTEMPTS: list[int] = []


@task()
def flaky_task(*, council_id: int, attempt: int = 1) -> str:
    """Fails on its first two attempts, then succeeds: a task with a passing failure."""
    ATTEMPTS.append(attempt)
    try:
        if attempt < 3:
            raise MailServerDown(f"The mail server did not answer (attempt {attempt}).")
    except MailServerDown:
        peertrack_tasks.retry_later(flaky_task, council_id=council_id, attempt=attempt)
        raise
    return "sent"


peertrack_tasks.describe(f"{__name__}.flaky_task", "Send a test email")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_BACKEND)
def test_a_failing_task_is_retried_later_and_its_failures_are_shown_to_its_council(northtown, southport):
    from django_tasks_db.models import DBTaskResult

    ATTEMPTS.clear()
    flaky_task.enqueue(council_id=northtown.pk)
    call_command("db_worker", "--batch", "--interval", "0")
    assert ATTEMPTS == [1]
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    waited = retry.run_after - timezone.now()
    assert dt.timedelta(seconds=30) < waited <= dt.timedelta(seconds=peertrack_tasks.RETRY_DELAYS[0])

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    call_command("db_worker", "--batch", "--interval", "0")
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--interval", "0")
    assert ATTEMPTS == [1, 2, 3]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1

    shown = peertrack_tasks.failed_tasks([northtown.pk])
    assert [(failure.name, failure.attempt, failure.will_retry) for failure in shown] == [
        ("Send a test email", 2, True), ("Send a test email", 1, True)]
    assert shown[0].error == "tests.test_task_worker.MailServerDown: The mail server did not answer (attempt 2)."
    assert peertrack_tasks.failed_tasks([southport.pk]) == []


def test_retries_stop_after_the_last_attempt():
    assert peertrack_tasks.retry_later(flaky_task, council_id=1, attempt=peertrack_tasks.MAX_ATTEMPTS) is False


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_BACKEND)
def test_the_failed_tasks_page_shows_a_councils_failures_to_its_coordinators_only(client, alice, dave, bob, mallory,
                                                                                 northtown):
    from django.urls import reverse

    ATTEMPTS.clear()
    flaky_task.enqueue(council_id=northtown.pk)
    call_command("db_worker", "--batch", "--interval", "0")
    for user in (alice, dave):
        client.force_login(user)
        page = client.get(reverse("failed_tasks"))
        assert page.status_code == 200
        body = page.content.decode()
        assert "Send a test email" in body and "The mail server did not answer (attempt 1)." in body
        assert "1 of 5" in body and "Tried again later" in body
    for user in (bob, mallory):
        client.force_login(user)
        assert client.get(reverse("failed_tasks")).status_code == 403


class RefusingBackend:
    """An email backend whose mail server does not answer."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused by the mail server")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_BACKEND, EMAIL_BACKEND=f"{__name__}.RefusingBackend")
def test_an_email_the_server_refuses_is_tried_again_later(northtown):
    from django_tasks_db.models import DBTaskResult

    peertrack_tasks.send_email.enqueue(subject="Hello", body="Text", to=["a@example.invalid"],
                                       council_id=northtown.pk)
    call_command("db_worker", "--batch", "--interval", "0")
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"subject": "Hello", "body": "Text", "to": ["a@example.invalid"],
                                           "html": "", "council_id": northtown.pk, "attempt": 2}
    assert peertrack_tasks.failed_tasks([northtown.pk])[0].name == "Send an email"
