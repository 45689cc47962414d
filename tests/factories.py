"""Keyword-only factories for test data. Each returns a saved object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from recommendations.models import (
    Action,
    Council,
    Membership,
    PeerChallenge,
    ProgressUpdate,
    Recommendation,
    Theme,
)
from recommendations.periods import ReportingPeriod

_sequence = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_council(*, name: str | None = None, slug: str | None = None) -> Council:
    n = next(_sequence)
    return Council.objects.create(name=name or f"Council {n}", slug=slug or f"council-{n}")


def make_user(*, username: str | None = None, council: Council | None = None,
              role: str = Membership.Role.OFFICER, first_name: str = "", last_name: str = "",
              **extra: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_sequence)}", password=PASSWORD,
        first_name=first_name, last_name=last_name, **extra,
    )
    if council is not None:
        Membership.objects.create(user=user, council=council, role=role)
    return user


def make_challenge(*, council: Council, slug: str | None = None, title: str = "Corporate Peer Challenge",
                   onsite_start: dt.date = dt.date(2024, 1, 15),
                   onsite_end: dt.date = dt.date(2024, 1, 18), **extra: Any) -> PeerChallenge:
    return PeerChallenge.objects.create(
        council=council, slug=slug or f"challenge-{next(_sequence)}", title=title,
        onsite_start=onsite_start, onsite_end=onsite_end, **extra,
    )


def make_theme(*, challenge: PeerChallenge, name: str | None = None,
               kind: str = Theme.Kind.CORE_COMPONENT) -> Theme:
    return Theme.objects.create(challenge=challenge, name=name or f"Theme {next(_sequence)}", kind=kind)


def make_recommendation(*, challenge: PeerChallenge, number: int | None = None,
                        title: str | None = None, **extra: Any) -> Recommendation:
    n = number or (challenge.recommendations.count() + 1)
    return Recommendation.objects.create(
        challenge=challenge, number=n, title=title or f"Recommendation {n}",
        text=extra.pop("text", f"The council should do thing {n}."), **extra,
    )


def make_action(*, recommendation: Recommendation, reference: str | None = None,
                lead_officer: Any = None, status: str = Action.Status.IN_PROGRESS,
                due_date: dt.date | None = dt.date(2024, 9, 30), **extra: Any) -> Action:
    if status == Action.Status.COMPLETE:
        extra.setdefault("signed_off_at", timezone.now())
    return Action.objects.create(
        recommendation=recommendation,
        reference=reference or f"{recommendation.number}.{recommendation.actions.count() + 1}",
        description=extra.pop("description", "Do the thing the council committed to."),
        lead_officer=lead_officer, status=status, due_date=due_date,
        start_date=extra.pop("start_date", dt.date(2024, 2, 1)), **extra,
    )


def make_update(*, action: Action, rag: str = "green", author: Any = None,
                created_at: dt.datetime | None = None, narrative: str = "Progress made.",
                **extra: Any) -> ProgressUpdate:
    moment = created_at or timezone.now()
    period = ReportingPeriod.for_date(timezone.localtime(moment).date())
    return ProgressUpdate.objects.create(
        action=action, rag=rag, author=author, created_at=moment, narrative=narrative,
        period_year=period.year, period_quarter=period.quarter, **extra,
    )
