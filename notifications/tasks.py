"""The notifications' background work, on the task queue (`peertrack/tasks.py`).

- `notify` makes the notifications one event calls for (`events.py`) and emails those that go
  straight away; the signal receivers enqueue it once the event's transaction commits.
- `send_scheduled` makes and sends one council's scheduled notifications for a day
  (`schedule.py`); `manage.py send_notifications`, run daily, enqueues it for every council.

Both take `council_id` (their failures show to that council's coordinators and administrators)
and `attempt`. A mail server or database that fails for a while makes the task queue its next
attempt (`retry_later`) and fail; the attempt after makes and sends what the failed one did not,
and nothing twice (ADR 0018).
"""

from __future__ import annotations

import datetime as dt
import smtplib

from django.db import OperationalError
from django_tasks import task

from notifications import delivery, events, schedule
from peertrack.tasks import describe, retry_later

# Failures that pass: the mail server or the network is down, the database is busy.
PASSING_FAILURES = (smtplib.SMTPException, OSError, OperationalError)


@task()
def notify(*, council_id: int, event: str, object_id: int, actor_id: int | None = None, attempt: int = 1,
           origin: str = "") -> int:
    """Makes the notifications of one event and emails those that go straight away.

    `origin` is the address of the request that caused the event, for the emails' links
    (`peertrack.absolute_urls`). Returns how many notifications were wanted (made now or by an
    earlier attempt).
    """
    try:
        if event == "deactivated":
            drafts = events.officer_deactivated(object_id, council_id=council_id, actor_id=actor_id)
        else:
            drafts = events.EVENTS[event](object_id, actor_id=actor_id)
        wanted = delivery.make(drafts)
        if drafts:
            delivery.send_unsent(council_id, recipient_ids={draft.recipient.pk for draft in drafts}, origin=origin)
    except PASSING_FAILURES:
        retry_later(notify, council_id=council_id, event=event, object_id=object_id, actor_id=actor_id,
                    attempt=attempt, origin=origin)
        raise
    return wanted


@task()
def send_scheduled(*, council_id: int, day: str, attempt: int = 1) -> dict[str, int]:
    """Makes and sends the council's scheduled notifications for `day` (YYYY-MM-DD)."""
    try:
        summary = schedule.run(council_id=council_id, day=dt.date.fromisoformat(day))
    except PASSING_FAILURES:
        retry_later(send_scheduled, council_id=council_id, day=day, attempt=attempt)
        raise
    return {"notifications": summary.wanted, "emails": summary.emails, "summaries": summary.summaries}


describe(notify.module_path, "Send a notification")
describe(send_scheduled.module_path, "Send the day's notifications")
