"""A council with one row of every model the admin shows, and staff users to attack it with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.utils import timezone

from recommendations.admin_scope import CouncilScopedAdmin
from recommendations.models import Council, GuestAccess, Membership
from reviews.models import CommitteeMeeting, PositionStatement, ReturningPeer, ReviewTheme, StatementEvidence
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
    peer = factories.make_peer(challenge=challenge, name=f"{prefix} peer")
    review = factories.make_review(challenge=challenge, peers=[peer], overall_feedback=f"{prefix} feedback")
    review_theme = ReviewTheme.objects.create(review=review, name=f"{prefix} review theme")
    review_theme.recommendations.set([recommendation])
    report = factories.make_report(challenge=challenge, committee=f"{prefix} committee",
                                   subject=f"{prefix} report", purpose="Progress.")
    pack = factories.make_pack(report=report, content=b"%PDF-1.7 pack")
    guest = factories.make_user(username=f"{prefix.lower()}-guest", first_name=prefix, last_name="Guest")
    rows = [
        council, Membership.objects.get(user=user, council=council), challenge, peer, theme, recommendation,
        action, update, review, review_theme, ReturningPeer.objects.get(review=review), report, pack,
        CommitteeMeeting.objects.create(
            challenge=challenge, committee=f"{prefix} committee", meeting_date=dt.date(2024, 6, 10)),
        PositionStatement.objects.create(review=review, recommendation=recommendation, text=f"{prefix} statement"),
        StatementEvidence.objects.create(review=review, recommendation=recommendation, title=f"{prefix} evidence",
                                         url="https://example.org/evidence"),
        GuestAccess.objects.create(user=guest, challenge=challenge, peer=peer,
                                   expires_on=timezone.localdate() + dt.timedelta(days=7)),
    ]
    return {type(row): row for row in rows}


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
