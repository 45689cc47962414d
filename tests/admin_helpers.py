"""A council with one row of every model the admin shows, and staff users to attack it with."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone

from recommendations.admin_scope import CouncilScopedAdmin
from recommendations.models import Council, GuestAccess, Membership, PeerTeamMember
from reviews.models import (
    CommitteeMeeting,
    CommitteeReport,
    IssuedPack,
    PositionStatement,
    ProgressReview,
    ReturningPeer,
    ReviewTheme,
    StatementEvidence,
)
from tests import factories

SECRET = "Southport secret"


def scoped_models() -> list[type[Model]]:
    """Returns every model whose admin page is council-scoped."""
    return sorted((model for model, model_admin in admin.site._registry.items()
                   if isinstance(model_admin, CouncilScopedAdmin)), key=lambda m: m._meta.label)


def make_world(council: Council, *, prefix: str) -> dict[type[Model], Model]:
    """Makes one row of every council-scoped model for `council`, each naming `prefix`."""
    user = factories.make_user(username=f"{prefix.lower()}-officer", council=council,
                               first_name=prefix, last_name="Officer")
    challenge = factories.make_challenge(council=council, slug=f"{prefix.lower()}-2024",
                                         title=f"{prefix} challenge")
    theme = factories.make_theme(challenge=challenge, name=f"{prefix} theme")
    recommendation = factories.make_recommendation(challenge=challenge, number=1,
                                                   title=f"{prefix} recommendation")
    action = factories.make_action(recommendation=recommendation, lead_officer=user,
                                   description=f"{prefix} action")
    update = factories.make_update(action=action, author=user)
    peer = PeerTeamMember.objects.create(challenge=challenge, name=f"{prefix} peer")
    review = ProgressReview.objects.create(challenge=challenge, review_date=dt.date(2024, 11, 18),
                                           overall_feedback=f"{prefix} feedback")
    review_theme = ReviewTheme.objects.create(review=review, name=f"{prefix} review theme")
    review_theme.recommendations.set([recommendation])
    report = CommitteeReport.objects.create(
        challenge=challenge, committee=f"{prefix} committee", meeting_date=dt.date(2024, 10, 2),
        subject=f"{prefix} report", purpose="Progress.")
    content = b"%PDF-1.7 pack"
    pack = IssuedPack(report=report, challenge=challenge, sequence=1, committee=report.committee,
                      meeting_date=report.meeting_date, subject=report.subject,
                      as_of=dt.date(2024, 9, 30), sha256=hashlib.sha256(content).hexdigest(),
                      size=len(content), page_count=1, snapshot={"recommendations": []})
    pack.file.save(f"{prefix.lower()}-pack.pdf", ContentFile(content), save=False)
    pack.save()
    guest = factories.make_user(username=f"{prefix.lower()}-guest", first_name=prefix, last_name="Guest")
    return {
        Council: council,
        Membership: Membership.objects.get(user=user, council=council),
        type(challenge): challenge,
        PeerTeamMember: peer,
        type(theme): theme,
        type(recommendation): recommendation,
        type(action): action,
        type(update): update,
        CommitteeMeeting: CommitteeMeeting.objects.create(
            challenge=challenge, committee=f"{prefix} committee", meeting_date=dt.date(2024, 6, 10)),
        ProgressReview: review,
        ReviewTheme: review_theme,
        PositionStatement: PositionStatement.objects.create(
            review=review, recommendation=recommendation, text=f"{prefix} statement"),
        StatementEvidence: StatementEvidence.objects.create(
            review=review, recommendation=recommendation, title=f"{prefix} evidence",
            url="https://example.org/evidence"),
        ReturningPeer: ReturningPeer.objects.create(review=review, member=peer),
        CommitteeReport: report,
        IssuedPack: pack,
        GuestAccess: GuestAccess.objects.create(
            user=guest, challenge=challenge, peer=peer,
            expires_on=timezone.localdate() + dt.timedelta(days=7)),
    }


def make_staff(user: Any, *, codenames: list[str] | None = None) -> Any:
    """Makes `user` staff with the given permissions (default: every permission of both apps
    and of users, the most a council's staff could be given)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    permissions = Permission.objects.filter(content_type__app_label__in=["recommendations", "reviews"])
    if codenames is None:
        permissions = permissions | Permission.objects.filter(content_type__app_label="auth",
                                                              content_type__model="user")
    else:
        permissions = Permission.objects.filter(codename__in=codenames)
    user.user_permissions.set(permissions)
    return user
