"""QuerySets for the challenge and action-plan models.

Every query a view makes starts from `visible_to(user)`, so a user can only
ever reach the councils they belong to.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from recommendations.periods import ReportingPeriod
from recommendations.rag import NOT_RATED, Rag

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


def _end_of_day(day: dt.date) -> dt.datetime:
    """Returns the last instant of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _guest_challenges(user: AnyUser) -> models.QuerySet:
    """Returns the ids of the challenges `user` may read as a returning peer (a guest).

    Guest access lives in the reviews app (`reviews.GuestAccess`); it is imported
    here, lazily, as the one place `recommendations` reads `reviews`, so that every
    `visible_to` below sees it and no view can forget it.
    """
    from reviews.models import GuestAccess

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

    def with_rag(self, as_of: dt.date | None = None) -> RecommendationQuerySet:
        """Annotates `rag` derived from the actions, as `recommendations.rag` states the rule.

        With `as_of`, only updates made and sign-offs given by the end of that day
        count, and actions created after it are left out.
        """
        from recommendations.models import Action

        actions = Action.objects.filter(recommendation=OuterRef("pk"))
        if as_of is not None:
            actions = actions.filter(created_at__lte=_end_of_day(as_of))
        complete = Q(status=Action.Status.COMPLETE)
        if as_of is not None:
            complete &= Q(signed_off_at__lte=_end_of_day(as_of))
        # As at a past date a closed action still counted while it was open.
        closed = Q(status=Action.Status.CLOSED)
        open_actions = actions.exclude(complete | closed).with_current_rag(as_of)

        def any_open_rated(*ratings: str) -> Exists:
            return Exists(open_actions.filter(current_rag__in=ratings))

        return self.annotate(
            rag=Case(
                When(any_open_rated(Rag.RED), then=Value(Rag.RED)),
                When(any_open_rated(Rag.AMBER), then=Value(Rag.AMBER)),
                When(any_open_rated(Rag.GREEN, Rag.BLUE), then=Value(Rag.GREEN)),
                When(Exists(open_actions), then=Value(NOT_RATED)),
                When(Exists(actions.filter(complete)), then=Value(Rag.BLUE)),
                default=Value(NOT_RATED),
                output_field=CharField(),
            )
        )

    def with_action_count(self) -> RecommendationQuerySet:
        from recommendations.models import Action

        count = (
            Action.objects.filter(recommendation=OuterRef("pk"))
            .order_by()
            .values("recommendation")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            action_count=Coalesce(Subquery(count), Value(0))
        )


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ActionQuerySet:
        from recommendations.models import PeerChallenge

        return self.filter(recommendation__challenge__in=PeerChallenge.objects.visible_to(user))

    def open(self) -> ActionQuerySet:
        return self.exclude(status__in=["complete", "closed"])

    def overdue(self, today: dt.date | None = None) -> ActionQuerySet:
        """Returns open actions whose due date has passed."""
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def for_lead_officer(self, user: AnyUser) -> ActionQuerySet:
        """Returns the actions `user` leads (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(lead_officer=user)

    def with_officer_to_act(self) -> ActionQuerySet:
        """Returns actions the lead officer still reports on: not started or in progress.

        An action awaiting sign-off waits on a coordinator, not its officer.
        """
        from recommendations.models import Action

        return self.filter(status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])

    def existing_on(self, today: dt.date) -> ActionQuerySet:
        """Returns actions created by the end of `today` (for rebuilding a past day)."""
        return self.filter(created_at__lte=_end_of_day(today))

    def _updated_in(self, period: ReportingPeriod, as_of: dt.date | None) -> Exists:
        from recommendations.models import ProgressUpdate

        updates = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), period_year=period.year, period_quarter=period.quarter
        )
        if as_of is not None:
            updates = updates.filter(created_at__lte=_end_of_day(as_of))
        return Exists(updates)

    def needs_update(self, period: ReportingPeriod, as_of: dt.date | None = None) -> ActionQuerySet:
        """Returns actions awaiting their officer that have no update for `period` yet."""
        return self.with_officer_to_act().exclude(self._updated_in(period, as_of))

    def with_attention_flags(self, today: dt.date | None = None) -> ActionQuerySet:
        """Annotates `overdue` and `update_due` (no update in the current reporting period).

        Both only flag actions waiting on their officer (not started or in progress).
        """
        from recommendations.models import Action

        today = today or timezone.localdate()
        period = ReportingPeriod.for_date(today)
        officer_to_act = Q(status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])
        return self.annotate(
            overdue=Case(
                When(officer_to_act & Q(due_date__lt=today), then=Value(True)),
                default=Value(False), output_field=BooleanField(),
            ),
            update_due=Case(
                When(officer_to_act & ~self._updated_in(period, today), then=Value(True)),
                default=Value(False), output_field=BooleanField(),
            ),
        )

    def needing_reminder(self, today: dt.date | None = None) -> ActionQuerySet:
        """Returns actions whose officer should hear from us: overdue or no update this period.

        Only actions that existed on `today` count, so a past day can be replayed.
        """
        today = today or timezone.localdate()
        return (
            self.existing_on(today)
            .with_attention_flags(today)
            .filter(Q(overdue=True) | Q(update_due=True))
        )

    def in_my_actions_order(self) -> ActionQuerySet:
        """Orders overdue actions first, then by due date (undated last), then reference.

        Needs `with_attention_flags()`.
        """
        return self.order_by(
            F("overdue").desc(), F("due_date").asc(nulls_last=True), "reference", "pk"
        )

    def with_current_rag(self, as_of: dt.date | None = None) -> ActionQuerySet:
        """Annotates `current_rag` and `last_update_at` from the latest progress update."""
        from recommendations.models import ProgressUpdate

        updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
        if as_of is not None:
            updates = updates.filter(created_at__lte=_end_of_day(as_of))
        latest = updates.order_by("-created_at", "-pk")
        return self.annotate(
            current_rag=Subquery(latest.values("rag")[:1]),
            last_update_at=Subquery(latest.values("created_at")[:1]),
        )


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
