"""The action plan as it stood on a date: the figures behind the scrutiny dashboards.

Everything here is rebuilt from history rather than stored: progress updates
count from the moment they were made, sign-offs from the moment they were
given, and actions from the moment they were created. The recommendation rule
is the one in `recommendations.rag`; the SQL form (`with_rag(as_of=...)`) is
used for single dates and the plain-Python form (`derive_recommendation_rag`)
to fold the history of updates into one picture per reporting period.

Every function makes a fixed number of queries, whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from recommendations import rag as rag_rules
from recommendations.models import Action, PeerChallenge, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from recommendations.querysets import ActionQuerySet
from recommendations.rag import NOT_RATED, Rag

DUE_SOON_DAYS = 30
DEFAULT_MOVEMENT_DAYS = 90

# Best to worst; a band "moves up" when its rank falls. Not yet rated is no band.
BAND_RANK: dict[str, int] = {Rag.BLUE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}
# Sort order for tables: worst first, unrated last.
SORT_RANK: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3, NOT_RATED: 4}


def end_of_day(day: dt.date) -> dt.datetime:
    """Returns the last instant of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def rag_counts(ratings: Iterable[str | None]) -> list[dict[str, Any]]:
    """Returns one `{value, label, count}` per rating in display order, zeros included."""
    counts = Counter(rating or NOT_RATED for rating in ratings)
    return [
        {"value": value, "label": rag_rules.label(value), "count": counts.get(value, 0)}
        for value in rag_rules.ORDER
    ]


def status_as_of(status: str, signed_off_at: dt.datetime | None, moment: dt.datetime) -> str:
    """Returns an action's status at `moment`: complete only once signed off.

    Closed actions stay closed: when an action was closed is not recorded, and
    `with_rag` leaves closed actions out at every date too.
    """
    if status == Action.Status.COMPLETE and (signed_off_at is None or signed_off_at > moment):
        return Action.Status.IN_PROGRESS
    return status


def action_rating(status: str, latest_rag: str | None) -> str | None:
    """Returns the rating an action counts under: Blue once signed off, else its latest update's.

    Closed actions count under none (None); an action without an update is Not yet rated.
    """
    if status == Action.Status.CLOSED:
        return None
    if status == Action.Status.COMPLETE:
        return Rag.BLUE
    return latest_rag or NOT_RATED


def actions_as_of(actions: ActionQuerySet, as_of: dt.date) -> ActionQuerySet:
    """Annotates `current_rag`, `last_update_at`, `plan_rag` (as `action_rating`), `rag_rank`
    and `is_open_then` on actions as they stood at the end of `as_of`, leaving out later ones."""
    moment = end_of_day(as_of)
    signed_off = Q(status=Action.Status.COMPLETE, signed_off_at__lte=moment)
    closed = Q(status=Action.Status.CLOSED)
    plan_rag = Case(
        When(signed_off, then=Value(Rag.BLUE)),
        default=Coalesce(F("current_rag"), Value(NOT_RATED)),
        output_field=CharField(),
    )
    rank = Case(
        *[When(plan_rag_value=value, then=Value(rank)) for value, rank in SORT_RANK.items()],
        default=Value(len(SORT_RANK)),
        output_field=IntegerField(),
    )
    return (
        actions.filter(created_at__lte=moment)
        .with_current_rag(as_of=as_of)
        .annotate(plan_rag_value=plan_rag)
        .annotate(
            rag_rank=rank,
            is_open_then=Case(
                When(signed_off | closed, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
    )


def overdue_as_of(actions: QuerySet[Action], as_of: dt.date) -> QuerySet[Action]:
    """Returns the actions that existed, were open and were past their due date on `as_of`.

    The same rule as `ChallengeDashboard.overdue`, without the RAG subqueries a count does not need.
    """
    moment = end_of_day(as_of)
    return (
        actions.filter(created_at__lte=moment, due_date__lt=as_of)
        .exclude(status=Action.Status.CLOSED)
        .exclude(status=Action.Status.COMPLETE, signed_off_at__lte=moment)
    )


@dataclass(frozen=True)
class Movement:
    recommendation: Recommendation
    before: str
    after: str

    @property
    def direction(self) -> str:
        if self.before == NOT_RATED:
            return "rated"
        if self.after == NOT_RATED:
            return "unrated"
        return "up" if BAND_RANK[self.after] < BAND_RANK[self.before] else "down"


def movements(
    before: dict[int, str], after: Sequence[Recommendation]
) -> dict[str, list[Movement]]:
    """Returns the recommendations whose rating changed, grouped by direction.

    "up" is towards Blue, "down" towards Red; "rated" were not yet rated before,
    "unrated" lost their rating (every rated action closed).
    """
    grouped: dict[str, list[Movement]] = {"up": [], "down": [], "rated": [], "unrated": []}
    for recommendation in after:
        previous = before.get(recommendation.pk, NOT_RATED)
        if previous != recommendation.rag:
            move = Movement(recommendation, previous, recommendation.rag)
            grouped[move.direction].append(move)
    return grouped


@dataclass(frozen=True)
class PeriodPicture:
    period: ReportingPeriod
    moment: dt.datetime
    counts: list[dict[str, Any]]
    is_partial: bool

    @property
    def total(self) -> int:
        return sum(item["count"] for item in self.counts)


def update_history(challenge: PeerChallenge, as_of: dt.date) -> list[tuple[int, dt.datetime, str, int, int]]:
    """Returns `(action_id, created_at, rag, period_year, period_quarter)` of every update of the
    challenge made by the end of `as_of`, oldest first, in one query."""
    return list(
        ProgressUpdate.objects.filter(
            action__recommendation__challenge=challenge, created_at__lte=end_of_day(as_of)
        )
        .order_by("created_at", "pk")
        .values_list("action_id", "created_at", "rag", "period_year", "period_quarter")
    )


def rag_over_time(
    challenge: PeerChallenge,
    as_of: dt.date,
    *,
    updates: Sequence[tuple[Any, ...]] | None = None,
    recommendation_ids: Sequence[int] | None = None,
) -> list[PeriodPicture]:
    """Returns the recommendations' ratings at the end of each reporting period.

    From the period of the first update to the period containing `as_of`; the last
    one is as at `as_of` itself (partial). The history (`update_history`) and the
    actions are fetched once and folded in date order, not queried per period.
    """
    limit = end_of_day(as_of)
    if updates is None:
        updates = update_history(challenge, as_of)
    if not updates:
        return []
    actions = list(
        Action.objects.filter(recommendation__challenge=challenge, created_at__lte=limit)
        .order_by()
        .values_list("pk", "recommendation_id", "created_at", "status", "signed_off_at")
    )
    if recommendation_ids is None:
        recommendation_ids = list(
            Recommendation.objects.filter(challenge=challenge).order_by().values_list("pk", flat=True)
        )
    local_first = timezone.localtime(updates[0][1]).date()
    periods = ReportingPeriod.span(ReportingPeriod.for_date(local_first), ReportingPeriod.for_date(as_of))
    latest: dict[int, str] = {}
    position = 0
    pictures = []
    for period in periods:
        moment = min(end_of_day(period.end), limit)
        while position < len(updates) and updates[position][1] <= moment:
            latest[updates[position][0]] = updates[position][2]
            position += 1
        per_recommendation: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for pk, recommendation_id, created_at, status, signed_off_at in actions:
            if created_at <= moment:
                per_recommendation[recommendation_id].append(
                    (status_as_of(status, signed_off_at, moment), latest.get(pk))
                )
        ratings = [
            rag_rules.derive_recommendation_rag(per_recommendation.get(pk, []))
            for pk in recommendation_ids
        ]
        pictures.append(
            PeriodPicture(period, moment, rag_counts(ratings), is_partial=moment < end_of_day(period.end))
        )
    return pictures


@dataclass
class ChallengeDashboard:
    """What a scrutiny member sees for one challenge as at a date."""

    challenge: PeerChallenge
    as_of: dt.date
    since: dt.date
    recommendations: list[Recommendation]
    actions: list[Action]
    themes: list[Any]
    movement: dict[str, list[Movement]]
    over_time: list[PeriodPicture] = field(default_factory=list)
    # Actions with an update for the reporting period containing `as_of`, made by then.
    updated_this_period: set[int] = field(default_factory=set)

    @property
    def recommendation_counts(self) -> list[dict[str, Any]]:
        return rag_counts(r.rag for r in self.recommendations)

    @property
    def action_counts(self) -> list[dict[str, Any]]:
        return rag_counts(
            a.plan_rag_value for a in self.actions if a.status != Action.Status.CLOSED
        )

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.is_open_then]

    @property
    def overdue(self) -> list[Action]:
        """Open actions whose due date had passed on `as_of`, the longest overdue first."""
        found = [a for a in self.open_actions if a.due_date and a.due_date < self.as_of]
        return sorted(found, key=lambda a: (a.due_date, a.reference))

    @property
    def due_soon(self) -> list[Action]:
        """Open actions due from `as_of` to 30 days after it, soonest first."""
        horizon = self.as_of + dt.timedelta(days=DUE_SOON_DAYS)
        found = [a for a in self.open_actions if a.due_date and self.as_of <= a.due_date <= horizon]
        return sorted(found, key=lambda a: (a.due_date, a.reference))

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod.for_date(self.as_of)

    @property
    def without_update(self) -> list[Action]:
        """Open actions awaiting their officer with no update for the period containing `as_of`.

        An action reported complete and awaiting sign-off waits on a coordinator, not an update.
        """
        moment = end_of_day(self.as_of)
        return [
            a for a in self.open_actions
            if a.pk not in self.updated_this_period
            and not (a.status == Action.Status.AWAITING_SIGN_OFF and a.completion_reported_at
                     and a.completion_reported_at <= moment)
        ]

    @property
    def theme_matrix(self) -> list[dict[str, Any]]:
        """Returns one row per theme (and one for recommendations without a theme) with RAG counts."""
        by_theme: dict[int | None, list[str]] = defaultdict(list)
        for recommendation in self.recommendations:
            by_theme[recommendation.theme_id].append(recommendation.rag)
        rows = [
            {"theme": theme.name, "counts": rag_counts(by_theme.get(theme.pk, [])),
             "total": len(by_theme.get(theme.pk, []))}
            for theme in self.themes
        ]
        if by_theme.get(None):
            rows.append({"theme": "No theme", "counts": rag_counts(by_theme[None]),
                         "total": len(by_theme[None])})
        return rows


def build_dashboard(*, challenge: PeerChallenge, as_of: dt.date, since: dt.date) -> ChallengeDashboard:
    """Returns the dashboard of `challenge` as at `as_of`, with movement since `since`.

    Six queries whatever the size of the plan.
    """
    recommendations = list(
        Recommendation.objects.filter(challenge=challenge).with_rag(as_of=as_of).select_related("theme")
    )
    before = dict(
        Recommendation.objects.filter(challenge=challenge)
        .with_rag(as_of=since)
        .values_list("pk", "rag")
    )
    actions = list(
        actions_as_of(Action.objects.filter(recommendation__challenge=challenge), as_of)
        .select_related("recommendation", "lead_officer")
        .order_by("recommendation__number", "reference")
    )
    history = update_history(challenge, as_of)
    period = ReportingPeriod.for_date(as_of)
    return ChallengeDashboard(
        challenge=challenge,
        as_of=as_of,
        since=since,
        recommendations=recommendations,
        actions=actions,
        themes=list(challenge.themes.all()),
        movement=movements(before, recommendations),
        over_time=rag_over_time(challenge, as_of, updates=history,
                                recommendation_ids=[r.pk for r in recommendations]),
        updated_this_period={
            action_id for action_id, _at, _rag, year, quarter in history
            if (year, quarter) == (period.year, period.quarter)
        },
    )
