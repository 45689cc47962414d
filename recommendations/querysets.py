"""QuerySets for the challenge and action-plan models.

Every query a view makes starts from `visible_to(user)`, so a user can only
ever reach the councils they belong to (an active `Membership`) and, as a
returning peer, the one challenge their unexpired `GuestAccess` names.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


def _guest_challenges(user: AnyUser) -> models.QuerySet:
    """Returns the ids of the challenges `user` may read as a returning peer (a guest).

    The guest half of the access rule: every `visible_to` below adds it to the
    member half, so no view can forget it.
    """
    from recommendations.models import GuestAccess

    return GuestAccess.objects.active().filter(user=user).values("challenge")


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> CouncilQuerySet:
        """Returns the councils `user` is a member of, or a guest on one of their challenges."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(memberships__user=user) | Q(challenges__in=_guest_challenges(user))
        ).distinct()


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))


class GuestAccessQuerySet(models.QuerySet):
    def active(self, today: dt.date | None = None) -> GuestAccessQuerySet:
        """Returns the access that has not ended: it lasts to the end of `expires_on`."""
        return self.filter(expires_on__gte=today or timezone.localdate())


class PeerChallengeQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> PeerChallengeQuerySet:
        """Returns the challenges of the councils `user` is a member of.

        A returning peer invited as a guest also sees the one challenge they were
        invited to, until their access ends; never the council's other challenges.
        """
        if not user.is_authenticated:
            return self.none()
        from recommendations.models import Membership

        councils = Membership.objects.active().filter(user=user).values("council")
        return self.filter(Q(council__in=councils) | Q(pk__in=_guest_challenges(user)))

    def with_counts(self) -> PeerChallengeQuerySet:
        """Annotates `recommendation_count` and `action_count`."""
        return self.annotate(
            recommendation_count=models.Count("recommendations", distinct=True),
            action_count=models.Count("recommendations__actions", distinct=True),
        )


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> RecommendationQuerySet:
        from recommendations.models import PeerChallenge

        return self.filter(challenge__in=PeerChallenge.objects.visible_to(user))


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ActionQuerySet:
        from recommendations.models import PeerChallenge

        return self.filter(recommendation__challenge__in=PeerChallenge.objects.visible_to(user))

    def for_lead_officer(self, user: AnyUser) -> ActionQuerySet:
        """Returns the actions `user` leads (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(lead_officer=user)


class ProgressUpdateQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ProgressUpdateQuerySet:
        from recommendations.models import PeerChallenge

        return self.filter(
            action__recommendation__challenge__in=PeerChallenge.objects.visible_to(user)
        )

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Progress updates are append-only: record a new update instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Progress updates are append-only and are never deleted.")
