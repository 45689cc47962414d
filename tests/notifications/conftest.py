"""Notifications' fixtures: the personas with email addresses, and helpers to run what commits run.

Events are queued once the transaction that wrote them commits; a test's transaction never commits,
so `committed` runs the on-commit callbacks (the task runs at once: PEERTRACK_TASKS_IMMEDIATE=1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import mail

from notifications.models import Notification, NotificationPreference
from recommendations.periods import ReportingPeriod


def with_email(user: Any) -> Any:
    user.email = f"{user.username}@northtown.example"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(alice: Any, bob: Any, olive: Any, carol: Any, dave: Any) -> dict[str, Any]:
    """Northtown's personas, each with an email address."""
    return {user.username: with_email(user) for user in (alice, bob, olive, carol, dave)}


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """`with committed(): ...` runs what would run once the block's writes commit."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def notes(user: Any, kind: str | None = None) -> list[Notification]:
    """Returns `user`'s notifications (of `kind`), oldest first."""
    rows = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


def sent_to(user: Any) -> list[Any]:
    """Returns the emails in the test outbox addressed to `user`."""
    return [message for message in mail.outbox if message.to == [user.email]]


def choose(user: Any, kind: str, delivery: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def next_deadline() -> dt.date:
    """The end of the current reporting period: a deadline still to come, so a test can stand on any
    day after it (a day later than today is read as the rows stand now)."""
    return ReportingPeriod.current().end
