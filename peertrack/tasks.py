"""Background work: Django's Tasks API (the django-tasks backport) on the database queue.

A task is a function decorated with `django_tasks.task` and enqueued with `.enqueue(...)`; the
worker (`manage.py db_worker`, started by `make demo` and `make serve`) runs it. django-tasks-db
stores each task as a row that workers claim with a row lock, so several workers on several
machines never run one task twice. The test suite runs tasks immediately
(PEERTRACK_TASKS_IMMEDIATE=1); tests/test_task_worker.py runs the real worker.

The Tasks API does not retry. A task that can fail for a passing reason (a mail server down)
calls `retry_later` in its `except` and then re-raises: the failed attempt stays recorded with
its error (`failed_tasks` lists them for the people of the council it concerns) and the next
attempt is queued after a growing delay, up to `MAX_ATTEMPTS`.

Every task that concerns one council takes `council_id` as a keyword argument, so its failures
can be shown to that council's coordinators and administrators and no one else's. The failures of
tasks that concern no one council (a password reset email, tidying task records) are shown to
platform superusers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

# Seconds to wait before the 2nd, 3rd, 4th and 5th attempt.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueues `task` once the current transaction commits, so it never runs on rows that were
    rolled back (or are not visible to the worker yet)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def retry_later(task: Task[Any, Any], *args: Any, attempt: int, **kwargs: Any) -> bool:
    """Queues the next attempt of `task` after the back-off delay for `attempt` (1 for the first).

    Returns False, queuing nothing, once `MAX_ATTEMPTS` have been made: the last failure stands.
    """
    if attempt >= MAX_ATTEMPTS:
        return False
    later = timezone.now() + dt.timedelta(seconds=RETRY_DELAYS[attempt - 1])
    task.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


@dataclass(frozen=True)
class FailedTask:
    """A task attempt that failed, as shown to a council's coordinators and administrators."""

    name: str
    enqueued_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempt: int
    will_retry: bool
    error: str


# What people read instead of the function's dotted path.
TASK_NAMES: dict[str, str] = {}


def describe(task_path: str, words: str) -> None:
    """Records the plain-English name of a task, shown on the failed tasks page."""
    TASK_NAMES[task_path] = words


def failed_tasks(council_ids: Iterable[int], *, without_council: bool = False, limit: int = 100) -> list[FailedTask]:
    """Returns the latest failed attempts of tasks that concern one of `council_ids`, newest first;
    with `without_council`, also those of tasks that concern no one council (no `council_id`, or None)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = sorted(set(council_ids))
    if not wanted and not without_council:
        return []
    concerned = Q(args_kwargs__kwargs__council_id__in=wanted)
    if without_council:
        concerned |= Q(args_kwargs__kwargs__council_id__isnull=True) | Q(args_kwargs__kwargs__council_id=None)
    rows = (DBTaskResult.objects.filter(concerned, status=TaskResultStatus.FAILED)
            .order_by("-finished_at", "-enqueued_at")[:limit])
    found = []
    for row in rows:
        attempt = int(row.args_kwargs.get("kwargs", {}).get("attempt", 1))
        last_line = (row.traceback or "").strip().splitlines()[-1:] or [row.exception_class_path]
        found.append(FailedTask(
            name=TASK_NAMES.get(row.task_path, row.task_path.rsplit(".", 1)[-1].replace("_", " ")),
            enqueued_at=row.enqueued_at, finished_at=row.finished_at, attempt=attempt,
            will_retry=attempt < MAX_ATTEMPTS, error=last_line[0][:500],
        ))
    return found


@task()
def prune_finished_tasks(*, days: int = 30) -> int:
    """Deletes the records of tasks that succeeded more than `days` ago; failures stay for people to
    read until the failed tasks page no longer needs them. Returns how many were deleted."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=cutoff).delete()
    return deleted


describe(f"{__name__}.prune_finished_tasks", "Tidy away old task records")


@task()
def send_email(*, subject: str, body: str, to: list[str], html: str = "", council_id: int | None = None,
               attempt: int = 1) -> int:
    """Sends one email (text, and HTML when given) through Django's email backend; a failure to reach
    the mail server is tried again later (`retry_later`). Returns how many messages were sent."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except OSError:  # SMTPException is an OSError: the server refused, timed out or was not there
        retry_later(send_email, subject=subject, body=body, to=to, html=html, council_id=council_id,
                    attempt=attempt)
        raise


describe(f"{__name__}.send_email", "Send an email")
