"""QuerySets for the challenge and action-plan models.

Every query a view makes starts from `visible_to(user)`, so a user can only
ever reach the councils they belong to (an active `Membership`) and, as a
returning peer, the one challenge their unexpired `GuestAccess` names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
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


class DeputyQuerySet(models.QuerySet):
    def active(self, today: dt.date | None = None) -> DeputyQuerySet:
        """Returns the deputies whose time has not ended: it lasts to the end of `ends_on`."""
        return self.filter(ends_on__gte=today or timezone.localdate())

    def for_action(self, action: Any, today: dt.date | None = None) -> DeputyQuerySet:
        """Returns the active deputies who may record progress on `action`: named for it, or for
        every action its lead officer leads in its council."""
        council = action.recommendation.challenge.council_id
        named = Q(action=action)
        if action.lead_officer_id is not None:
            named |= Q(lead_officer_id=action.lead_officer_id, council_id=council)
        return self.active(today).filter(named)


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

    def current(self) -> PeerChallengeQuerySet:
        """Returns the challenges that are not archived."""
        return self.filter(archived_at__isnull=True)

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

    def in_current_challenges(self) -> ActionQuerySet:
        """Returns the actions of challenges that are not archived."""
        return self.filter(recommendation__challenge__archived_at__isnull=True)

    def led_or_deputised_by(self, user: AnyUser, today: dt.date | None = None) -> ActionQuerySet:
        """Returns the actions `user` leads, or may update as an active deputy: named for the action,
        or for every action its lead officer leads in that council."""
        if not user.is_authenticated:
            return self.none()
        from recommendations.models import Deputy

        named = Deputy.objects.active(today).filter(deputy=user)
        for_officer = named.filter(lead_officer=OuterRef("lead_officer"),
                                   council=OuterRef("recommendation__challenge__council"))
        # A union of three lists of ids, each found through an index (lead officer, deputy), not an
        # OR, which makes the database read every action to test it (ADR 0026, tests/test_scale.py).
        officers = named.filter(lead_officer__isnull=False).values("lead_officer")
        led = self.model.objects.filter(lead_officer=user).order_by().values("pk")
        named_for = named.filter(action__isnull=False).order_by().values("action")
        for_officers = (self.model.objects.filter(lead_officer__in=officers).filter(Exists(for_officer))
                        .order_by().values("pk"))
        return self.filter(pk__in=led.union(named_for, for_officers, all=True))

    def _kept_and_recomputed(self) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
        """Yields each action's id, kept columns and `asof.kept_state` over all its updates, 2,000 at a time."""
        from recommendations.asof import KEPT_NAMES, kept_state_of

        ids = list(self.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 2000):
            chunk = ids[start:start + 2000]
            recomputed = kept_state_of(chunk)
            for row in self.model.objects.filter(pk__in=chunk).values("pk", *KEPT_NAMES):
                yield row["pk"], row, recomputed[row["pk"]]

    def current_state_mismatches(self) -> dict[int, dict[str, tuple[Any, Any]]]:
        """Returns, by action id, each kept column (ADR 0026) that differs from a full
        recomputation over the action's updates, as (kept, recomputed); 2 queries per 2,000 actions."""
        found: dict[int, dict[str, tuple[Any, Any]]] = {}
        for pk, kept, recomputed in self._kept_and_recomputed():
            wrong = {name: (kept[name], value) for name, value in recomputed.items() if kept[name] != value}
            if wrong:
                found[pk] = wrong
        return found

    def keep_current_state_of(self, pk: int) -> None:
        """Writes one action's kept columns from its updates: 2 queries (its updates, one UPDATE)."""
        from recommendations.asof import kept_state_of

        self.model.objects.filter(pk=pk).update(**kept_state_of([pk])[pk])

    def keep_current_state(self) -> int:
        """Writes the kept columns of every action here that differs from a full recomputation
        over its updates (in batches); returns how many actions changed."""
        from recommendations.asof import KEPT_NAMES

        rows = [self.model(pk=pk, **recomputed) for pk, kept, recomputed in self._kept_and_recomputed()
                if any(kept[name] != value for name, value in recomputed.items())]
        self.model.objects.bulk_update(rows, [name.removesuffix("_id") for name in KEPT_NAMES], batch_size=500)
        if rows:  # bulk_update sends no post_save: the pages cached from the wrong values must go
            from peertrack import caching
            from recommendations.models import PeerChallenge

            touched = self.model.objects.filter(pk__in=[row.pk for row in rows]).values(
                "recommendation__challenge_id")
            caching.bump(PeerChallenge.objects.filter(pk__in=touched))
        return len(rows)

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
