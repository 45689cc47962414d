"""Keyword-only factories for test data. Each returns a saved object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from recommendations import models
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeReport, IssuedPack, ProgressReview, ReturningPeer

_sequence = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"
# Ten months after the default challenge's days on site (15-18 January 2024).
REVIEW_DATE = dt.date(2024, 11, 18)


def make_council(*, name: str | None = None, slug: str | None = None) -> models.Council:
    n = next(_sequence)
    return models.Council.objects.create(name=name or f"Council {n}", slug=slug or f"council-{n}")


def make_user(*, username: str | None = None, council: models.Council | None = None,
              role: str = models.Membership.Role.OFFICER, first_name: str = "", last_name: str = "",
              **extra: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_sequence)}", password=PASSWORD,
        first_name=first_name, last_name=last_name, **extra,
    )
    if council is not None:
        models.Membership.objects.create(user=user, council=council, role=role)
    return user


def make_challenge(*, council: models.Council, slug: str | None = None, title: str = "Corporate Peer Challenge",
                   onsite_start: dt.date = dt.date(2024, 1, 15),
                   onsite_end: dt.date = dt.date(2024, 1, 18), **extra: Any) -> models.PeerChallenge:
    return models.PeerChallenge.objects.create(
        council=council, slug=slug or f"challenge-{next(_sequence)}", title=title,
        onsite_start=onsite_start, onsite_end=onsite_end, **extra,
    )


def make_theme(*, challenge: models.PeerChallenge, name: str | None = None,
               kind: str = models.Theme.Kind.CORE_COMPONENT) -> models.Theme:
    return models.Theme.objects.create(challenge=challenge, name=name or f"Theme {next(_sequence)}", kind=kind)


def make_recommendation(*, challenge: models.PeerChallenge, number: int | None = None,
                        title: str | None = None, **extra: Any) -> models.Recommendation:
    n = number or (challenge.recommendations.count() + 1)
    return models.Recommendation.objects.create(
        challenge=challenge, number=n, title=title or f"Recommendation {n}",
        text=extra.pop("text", f"The council should do thing {n}."), **extra,
    )


def make_action(*, recommendation: models.Recommendation, reference: str | None = None,
                lead_officer: Any = None, status: str = models.Action.Status.IN_PROGRESS,
                due_date: dt.date | None = dt.date(2024, 9, 30), **extra: Any) -> models.Action:
    if status == models.Action.Status.COMPLETE:
        extra.setdefault("signed_off_at", timezone.now())
    return models.Action.objects.create(
        recommendation=recommendation,
        reference=reference or f"{recommendation.number}.{recommendation.actions.count() + 1}",
        description=extra.pop("description", "Do the thing the council committed to."),
        lead_officer=lead_officer, status=status, due_date=due_date,
        start_date=extra.pop("start_date", dt.date(2024, 2, 1)), **extra,
    )


def make_update(*, action: models.Action, rag: str = "green", author: Any = None,
                created_at: dt.datetime | None = None, narrative: str = "Progress made.",
                **extra: Any) -> models.ProgressUpdate:
    moment = created_at or timezone.now()
    period = ReportingPeriod.for_date(timezone.localtime(moment).date())
    return models.ProgressUpdate.objects.create(
        action=action, rag=rag, author=author, created_at=moment, narrative=narrative,
        period_year=period.year, period_quarter=period.quarter, **extra,
    )


def make_guest(*, challenge: models.PeerChallenge, username: str = "gina", expires_on: dt.date | None = None,
               peer: models.PeerTeamMember | None = None) -> Any:
    """Returns a user with guest access to `challenge`, until a week from today unless `expires_on`."""
    user = make_user(username=username, first_name="Gina", last_name="Peer")
    models.GuestAccess.objects.create(user=user, challenge=challenge, peer=peer,
                                      expires_on=expires_on or timezone.localdate() + dt.timedelta(days=7))
    return user


def make_peer(*, challenge: models.PeerChallenge, name: str, role: str = "Chief Executive",
              position: int = 1) -> models.PeerTeamMember:
    return models.PeerTeamMember.objects.create(challenge=challenge, name=name, role=role,
                                                organisation="Elsewhere Council", position=position)


def make_review(*, challenge: models.PeerChallenge, review_date: dt.date = REVIEW_DATE,
                peers: Iterable[models.PeerTeamMember] = (), **extra: Any) -> ProgressReview:
    review = ProgressReview.objects.create(challenge=challenge, review_date=review_date, **extra)
    for peer in peers:
        ReturningPeer.objects.create(review=review, member=peer)
    return review


def make_report(*, challenge: models.PeerChallenge, by: Any = None, **extra: Any) -> CommitteeReport:
    """Returns a draft committee report in the usual wording; `extra` overrides any field."""
    values = {
        "committee": "Scrutiny Co-ordination Committee",
        "meeting_date": dt.date(2024, 10, 2),
        "subject": "Corporate Peer Challenge – Progress Report",
        "author_name": "Alice Coordinator",
        "author_job_title": "Strategic Lead for Transformation and Change",
        "author_contact": "alice@northtown.invalid",
        "purpose": "This note outlines progress on the peer challenge recommendations.",
        "recommendations_to_committee": "Note the progress made\nProvide any feedback",
        "key_risks": "Delivery depends on capacity in the finance team.",
        "next_steps": "A further update will come in six months.",
        **extra,
    }
    return CommitteeReport.objects.create(challenge=challenge, created_by=by, **values)


def make_pack(*, report: CommitteeReport, content: bytes = b"%PDF-1.7 stored pack",
              sequence: int | None = None, docx_content: bytes | None = None, **extra: Any) -> IssuedPack:
    """Stores a pack without rendering it, for tests about listing and downloading."""
    sequence = sequence or (report.challenge.packs.count() + 1)
    pack = IssuedPack(
        report=report, challenge=report.challenge, sequence=sequence,
        committee=report.committee, meeting_date=report.meeting_date, subject=report.subject,
        as_of=extra.pop("as_of", dt.date(2024, 9, 30)),
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), page_count=1,
        snapshot=extra.pop("snapshot", {"recommendations": []}), **extra,
    )
    pack.file.save(f"test-pack-{next(_sequence)}.pdf", ContentFile(content), save=False)
    if docx_content is not None:
        pack.docx_sha256 = hashlib.sha256(docx_content).hexdigest()
        pack.docx_size = len(docx_content)
        pack.docx.save(f"test-pack-{next(_sequence)}.docx", ContentFile(docx_content), save=False)
    pack.save()
    return pack
