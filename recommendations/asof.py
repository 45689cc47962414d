"""The plan as at a date: the one picture of where recommendations and actions stood.

Every surface that says where the plan stands reads it from here: the scrutiny dashboards, the
portfolio, the action plan table and its CSV and XLSX exports, My actions and an action's page,
the coordinator's inbox, the update reminders, committee packs, the progress review page and the
draft position statement.
Nothing else works out an action's status, rating, due date, overdue or latest update at a date,
so no two surfaces can disagree.

The rules, each written once below:

* **As at a day** is the end of that day in the site's time zone (`end_of_day`). A day of today
  or later is *now*: the rows as they stand.
* An action counts from the moment it was created.
* Its **status, due date and wording** at a past moment are those of its latest history record by
  then. Where history does not reach back that far (a plan imported after the fact), the status
  comes from its sign-off and completion-report timestamps, and the due date and wording are the
  current ones (`_status_from_timestamps`).
* Its **latest update** is the last made by then: latest created, then highest id.
* **The truth rule** (`ActionThen.rating`, `rag.ACTION_RULE_TEXT`): Blue shows only for an action a
  coordinator has signed off. An action whose officer rated it Blue without a sign-off (reported
  complete, awaiting sign-off) shows and counts as Green. A **returned** action (a coordinator
  returned it and its officer has not updated it since) shows "Returned", with the reason and the
  date, and the rating its officer gave before reporting it complete (or Not yet rated); it needs a
  new update. Otherwise an action shows its latest update's rating, or Not yet rated. So overdue
  never sits beside Blue.
* It **waits on its officer** while not started or in progress. Only then can it be **overdue**
  (its due date had passed), **due soon** (due within `DUE_SOON_DAYS`) or **need an update** (no
  update for the reporting period containing the day, made by then). An action reported complete
  waits on a coordinator instead.
* A **recommendation's rating** is `rag.derive_recommendation_rag` over its actions' status and
  latest rating as they stood; **movement** compares two such ratings (`rag.movement`).

A picture costs a fixed number of queries whatever the size of the plan: the actions, their
updates and (for a past day or a timeline) their history records, plus the recommendations when
the picture is of whole challenges and the latest updates' text when `details` is asked for.
Earlier pictures (movement, RAG per quarter) are folded from the same rows without new queries.

**Today's picture reads kept columns** (ADR 0026): each action keeps what the rules above need
from its updates (`kept_state`: the latest update, its rating, time and period, the latest period
reported for, the latest rating other than Blue), written in the transaction that appends an
update. So a picture of today reads the actions alone; only an action with an update for a period
after today's fetches its updates, to say whether today's period has one. Past days and timelines
still fold the updates and history. `manage.py verify_current_state` checks the kept columns
against `kept_state` over every update.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from recommendations import rag as rag_rules
from recommendations.models import Action, PeerChallenge, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from recommendations.rag import NOT_RATED, Rag

DUE_SOON_DAYS = 30
DEFAULT_MOVEMENT_DAYS = 90

# Sort order for tables: worst first, unrated last.
SORT_RANK: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3, NOT_RATED: 4}

WAITING_ON_OFFICER = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
FINISHED = (Action.Status.COMPLETE, Action.Status.CLOSED)

# The states the plan shows: the statuses, with "returned" split out of "in progress".
RETURNED = "returned"
STATE_LABELS: dict[str, str] = {
    Action.Status.NOT_STARTED: "Not started",
    Action.Status.IN_PROGRESS: "In progress",
    Action.Status.AWAITING_SIGN_OFF: "Reported complete, awaiting sign-off",
    RETURNED: "Returned",
    Action.Status.COMPLETE: "Complete (signed off)",
    Action.Status.CLOSED: "Closed",
}


def end_of_day(day: dt.date) -> dt.datetime:
    """Returns the last instant of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def moment_of(day: dt.date | None) -> dt.datetime | None:
    """Returns the moment a picture as at `day` is taken: None (now) for today, a later day or None."""
    if day is None or day >= timezone.localdate():
        return None
    return end_of_day(day)


def rag_counts(ratings: Iterable[str | None]) -> list[dict[str, Any]]:
    """Returns one `{value, label, count}` per rating in display order, zeros included."""
    counts = Counter(rating or NOT_RATED for rating in ratings)
    return [
        {"value": value, "label": rag_rules.label(value), "count": counts.get(value, 0)}
        for value in rag_rules.ORDER
    ]


# An update as the picture needs it: (created_at, pk, rag, period_year, period_quarter).
UpdateRow = tuple[dt.datetime, int, str, int, int]
# A history record: (history_date, history_id, status, due_date, description, returned_at, return_reason).
HistoryRow = tuple[dt.datetime, int, str, dt.date | None, str, dt.datetime | None, str]


def period_key(year: int, quarter: int) -> int:
    """Returns a reporting period as one sortable number, as the kept columns store it (2024 Q3: 20243)."""
    return year * 10 + quarter


def kept_state(updates: Sequence[UpdateRow]) -> dict[str, Any]:
    """Returns the state an action keeps from its updates (oldest first), by `Action` field name.

    The one rule for the latest update and the rating before a completion claim: today's picture
    reads these columns and a past picture computes them from the updates made by then.
    """
    latest = updates[-1] if updates else None
    return {
        "latest_update_id": latest[1] if latest else None,
        "latest_update_rag": latest[2] if latest else "",
        "latest_update_at": latest[0] if latest else None,
        "latest_update_period": period_key(latest[3], latest[4]) if latest else None,
        "reported_up_to": max(period_key(row[3], row[4]) for row in updates) if updates else None,
        "rating_before_claim": next((row[2] for row in reversed(updates) if row[2] != Rag.BLUE), ""),
    }


def kept_state_of(action_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Returns `kept_state` recomputed from every update of each action, by action id: 1 query."""
    ids = list(action_ids)
    rows = _by_action(ProgressUpdate.objects.filter(action_id__in=ids).order_by("action_id", "created_at", "pk"),
                      "action_id", "created_at", "pk", "rag", "period_year", "period_quarter") if ids else {}
    return {pk: kept_state(rows.get(pk, [])) for pk in ids}


def _status_from_timestamps(action: Action, moment: dt.datetime) -> str:
    """Returns the status at `moment` of an action whose history does not reach back that far.

    Complete counts from the sign-off and "reported complete" from the report; a closed action
    is taken as closed throughout, as when it was closed is not known without history.
    """
    if action.status not in (Action.Status.COMPLETE, Action.Status.AWAITING_SIGN_OFF):
        return action.status
    if action.status == Action.Status.COMPLETE and action.signed_off_at and action.signed_off_at <= moment:
        return Action.Status.COMPLETE
    if action.completion_reported_at and action.completion_reported_at <= moment:
        return Action.Status.AWAITING_SIGN_OFF
    return Action.Status.IN_PROGRESS


@dataclass(frozen=True)
class ActionThen:
    """One action as it stood at the end of `day` (`action` is the row as it is now)."""

    action: Action
    day: dt.date
    status: str
    due_date: dt.date | None
    description: str
    latest_rag: str | None
    last_update_at: dt.datetime | None
    latest_period: ReportingPeriod | None
    updated_this_period: bool
    # The officer's latest rating other than Blue (Blue reports the action complete).
    rating_before_claim: str | None = None
    # The coordinator's return still waiting for its officer's new update: (when, reason).
    returned: tuple[dt.datetime, str] | None = None
    # The latest update itself, author included; only in a picture taken with `details`.
    latest_update: ProgressUpdate | None = None

    @property
    def pk(self) -> int:
        return self.action.pk

    @property
    def state(self) -> str:
        """The status as the plan shows it: a `Action.Status` value, or "returned"."""
        return RETURNED if self.returned else self.status

    @property
    def status_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_returned(self) -> bool:
        return self.returned is not None

    @property
    def returned_at(self) -> dt.datetime | None:
        return self.returned[0] if self.returned else None

    @property
    def return_reason(self) -> str:
        return self.returned[1] if self.returned else ""

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def waits_on_officer(self) -> bool:
        return self.status in WAITING_ON_OFFICER

    @property
    def rating(self) -> str:
        """The rating shown and counted for the action: the truth rule (module docstring)."""
        if self.status == Action.Status.COMPLETE:
            return Rag.BLUE
        if self.returned:
            return self.rating_before_claim or NOT_RATED
        if self.latest_rag == Rag.BLUE:
            return Rag.GREEN  # reported complete: on track until a coordinator signs it off
        return self.latest_rag or NOT_RATED

    @property
    def counted_rating(self) -> str | None:
        """The rating the action counts under in the plan's totals; closed actions count under none."""
        return None if self.status == Action.Status.CLOSED else self.rating

    @property
    def overdue(self) -> bool:
        return bool(self.waits_on_officer and self.due_date and self.due_date < self.day)

    @property
    def due_soon(self) -> bool:
        horizon = self.day + dt.timedelta(days=DUE_SOON_DAYS)
        return bool(self.waits_on_officer and self.due_date and self.day <= self.due_date <= horizon)

    @property
    def needs_update(self) -> bool:
        """Waits on its officer and was returned, or has no update for the period containing the day."""
        return self.waits_on_officer and (self.returned is not None or not self.updated_this_period)

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod.for_date(self.day)

    # Sort keys for tables: undated last, worst rating first.
    @property
    def due_key(self) -> tuple[bool, dt.date]:
        return (self.due_date is None, self.due_date or dt.date.min)

    @property
    def rating_rank(self) -> int:
        return SORT_RANK[self.rating]

    @property
    def state_rank(self) -> int:
        return list(STATE_LABELS).index(self.state)

    @property
    def update_key(self) -> tuple[bool, float]:
        return (self.last_update_at is not None, self.last_update_at.timestamp() if self.last_update_at else 0.0)

    @property
    def theme_key(self) -> tuple[bool, str]:
        theme = self.action.recommendation.theme
        return (theme is None, theme.name if theme else "")

    @property
    def officer_key(self) -> tuple[bool, str, str]:
        officer = self.action.lead_officer
        return (officer is None, officer.last_name if officer else "", officer.first_name if officer else "")

    @property
    def officer_order(self) -> tuple[bool, bool, dt.date, str, int]:
        """My actions' and the reminders' order: overdue first, then by due date (undated last)."""
        return (not self.overdue, *self.due_key, self.action.reference, self.pk)


class _Timeline:
    """One action's rows: the action, its updates and its history records, oldest first.

    `kept`: the updates were not fetched; today is read from the action's kept columns.
    """

    def __init__(self, action: Action, updates: list[UpdateRow], records: list[HistoryRow], *,
                 kept: bool = False) -> None:
        self.action = action
        self.kept = kept
        self.updates = updates
        self.update_times = [row[0] for row in updates]
        self.records = records
        self.record_times = [row[0] for row in records]

    def at(self, day: dt.date, moment: dt.datetime | None,
           details: dict[int, ProgressUpdate] | None = None) -> ActionThen | None:
        """Returns the action as it stood at `moment` (None: now), or None if it did not exist yet."""
        action = self.action
        if moment is not None and action.created_at > moment:
            return None
        returned_at, reason = action.returned_at, action.return_reason
        if moment is None:
            updates = self.updates
            status, due_date, description = action.status, action.due_date, action.description
        else:
            updates = self.updates[:bisect_right(self.update_times, moment)]
            found = bisect_right(self.record_times, moment)
            if found:
                _at, _id, status, due_date, description, returned_at, reason = self.records[found - 1]
            else:
                status = _status_from_timestamps(action, moment)
                due_date, description = action.due_date, action.description
                if returned_at is not None and returned_at > moment:
                    returned_at = None
        period = ReportingPeriod.for_date(day)
        this_period = period_key(period.year, period.quarter)
        if self.kept:
            state = {name: getattr(action, name) for name in KEPT_NAMES}
            reported_to = state["reported_up_to"] or 0
            # Only an update for a later period leaves the kept columns unsure; its rows were fetched.
            updated_this_period = (reported_to == this_period if reported_to <= this_period
                                   else any(period_key(row[3], row[4]) == this_period for row in updates))
        else:
            state = kept_state(updates)
            updated_this_period = any(period_key(row[3], row[4]) == this_period for row in updates)
        latest_at = state["latest_update_at"]
        latest_period = state["latest_update_period"]
        # Returned: sent back by a coordinator, and its officer has not updated it since.
        returned = ((returned_at, reason) if returned_at is not None and status in WAITING_ON_OFFICER
                    and (latest_at is None or latest_at <= returned_at) else None)
        return ActionThen(
            action=action,
            day=day,
            status=status,
            due_date=due_date,
            description=description,
            latest_rag=state["latest_update_rag"] or None,
            last_update_at=latest_at,
            latest_period=ReportingPeriod(*divmod(latest_period, 10)) if latest_period else None,
            updated_this_period=updated_this_period,
            rating_before_claim=state["rating_before_claim"] or None,
            returned=returned,
            latest_update=(details.get(state["latest_update_id"])
                           if state["latest_update_id"] and details is not None else None),
        )

    def latest_update_id(self, moment: dt.datetime | None) -> int | None:
        """Returns the id of the latest update made by `moment` (None: now)."""
        if self.kept:
            return self.action.latest_update_id
        updates = self.updates if moment is None else self.updates[:bisect_right(self.update_times, moment)]
        return updates[-1][1] if updates else None


def _by_action(rows: QuerySet[Any], action_field: str, *fields: str) -> dict[int, list[Any]]:
    """Returns `fields` of each row as a tuple, grouped by the action they belong to, in the rows' order."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for action_id, *values in rows.values_list(action_field, *fields):
        grouped[action_id].append(tuple(values))
    return grouped


# The kept columns `kept_state` describes (ADR 0026).
KEPT_NAMES = ("latest_update_id", "latest_update_rag", "latest_update_at", "latest_update_period",
              "reported_up_to", "rating_before_claim")


def _timelines(actions: Sequence[Action], moment: dt.datetime | None, *, history: bool,
               day: dt.date | None = None) -> list[_Timeline]:
    """Fetches the updates (and, with `history`, the history records) made by `moment`: 1–2 queries.

    Now without history (today's picture) the actions' kept columns stand in for their updates:
    no query, save one for actions reported for a period after `day`'s.
    """
    ids = [action.pk for action in actions]
    updates: dict[int, list[Any]] = defaultdict(list)
    records: dict[int, list[Any]] = defaultdict(list)
    if moment is None and not history:
        period = ReportingPeriod.for_date(day or timezone.localdate())
        this_period = period_key(period.year, period.quarter)
        later = [action.pk for action in actions if (action.reported_up_to or 0) > this_period]
        if later:
            updates = _by_action(ProgressUpdate.objects.filter(action_id__in=later).order_by("created_at", "pk"),
                                 "action_id", "created_at", "pk", "rag", "period_year", "period_quarter")
        return [_Timeline(action, updates.get(action.pk, []), [], kept=True) for action in actions]
    if ids:
        made = ProgressUpdate.objects.filter(action_id__in=ids)
        updates = _by_action((made if moment is None else made.filter(created_at__lte=moment))
                             .order_by("created_at", "pk"),
                             "action_id", "created_at", "pk", "rag", "period_year", "period_quarter")
    if ids and history:
        written = Action.history.filter(id__in=ids)
        records = _by_action((written if moment is None else written.filter(history_date__lte=moment))
                             .order_by("history_date", "history_id"),
                             "id", "history_date", "history_id", "status", "due_date", "description",
                             "returned_at", "return_reason")
    return [_Timeline(action, updates.get(action.pk, []), records.get(action.pk, [])) for action in actions]


def _details(timelines: Sequence[_Timeline], moment: dt.datetime | None) -> dict[int, ProgressUpdate]:
    """Fetches the latest updates' text and authors in one query."""
    latest_ids = [pk for timeline in timelines if (pk := timeline.latest_update_id(moment)) is not None]
    if not latest_ids:
        return {}
    return ProgressUpdate.objects.select_related("author").in_bulk(latest_ids)


def actions_as_at(actions: QuerySet[Action], day: dt.date | None = None, *,
                  details: bool = False) -> list[ActionThen]:
    """Returns the actions of `actions` (in its order) as they stood at the end of `day` (default today).

    Actions created later are left out. 2 queries (3 for a past day, 1 more with `details`).
    """
    day = day or timezone.localdate()
    moment = moment_of(day)
    rows = list(actions if moment is None else actions.filter(created_at__lte=moment))
    timelines = _timelines(rows, moment, history=moment is not None, day=day)
    texts = _details(timelines, moment) if details else None
    return [then for timeline in timelines if (then := timeline.at(day, moment, texts)) is not None]


@dataclass(frozen=True)
class RecommendationThen:
    """One recommendation as it stood at the end of `day`, with its actions then."""

    recommendation: Recommendation
    actions: list[ActionThen]
    rating: str

    @property
    def pk(self) -> int:
        return self.recommendation.pk

    @property
    def why_not_rated(self) -> str:
        """Returns why the recommendation had no rating at the end of its day ("" when it had one):
        no action yet, every action closed, or no progress update on an open action yet."""
        if self.rating != rag_rules.NOT_RATED:
            return ""
        when = f"{self.actions[0].day:%-d %B %Y}" if self.actions else ""
        if not self.actions:
            return "No action had been recorded for it by then: the action plan came later."
        if all(then.status == Action.Status.CLOSED for then in self.actions):
            return f"Every action had been closed by {when}."
        return f"No progress update had been recorded on its actions by {when}."


@dataclass(frozen=True)
class Movement:
    recommendation: Recommendation
    before: str
    after: str

    @property
    def direction(self) -> str:
        return rag_rules.movement(self.before, self.after)


@dataclass(frozen=True)
class PeriodPicture:
    period: ReportingPeriod
    moment: dt.datetime
    counts: list[dict[str, Any]]
    is_partial: bool

    @property
    def total(self) -> int:
        return sum(item["count"] for item in self.counts)


@dataclass
class Plan:
    """A challenge's recommendations and actions as they stood at the end of `day`."""

    challenge: PeerChallenge
    day: dt.date
    recommendations: list[RecommendationThen]
    _all_recommendations: list[Recommendation] = field(repr=False)
    _timelines: list[_Timeline] = field(repr=False)
    _has_history: bool = field(repr=False)

    @property
    def actions(self) -> list[ActionThen]:
        """Every action that existed then, by recommendation number and reference."""
        return [action for recommendation in self.recommendations for action in recommendation.actions]

    def action(self, pk: int) -> ActionThen:
        return next(action for action in self.actions if action.pk == pk)

    def ratings(self) -> dict[int, str]:
        """Returns each recommendation's rating, by recommendation id."""
        return {recommendation.pk: recommendation.rating for recommendation in self.recommendations}

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod.for_date(self.day)

    @property
    def recommendation_counts(self) -> list[dict[str, Any]]:
        return rag_counts(recommendation.rating for recommendation in self.recommendations)

    @property
    def action_counts(self) -> list[dict[str, Any]]:
        return rag_counts(action.counted_rating for action in self.actions if action.counted_rating)

    @property
    def open_actions(self) -> list[ActionThen]:
        return [action for action in self.actions if action.is_open]

    @property
    def overdue(self) -> list[ActionThen]:
        """Actions overdue on the day, the longest overdue first."""
        return sorted((a for a in self.actions if a.overdue), key=lambda a: a.officer_order)

    @property
    def due_soon(self) -> list[ActionThen]:
        """Actions due from the day to `DUE_SOON_DAYS` after it, soonest first."""
        return sorted((a for a in self.actions if a.due_soon), key=lambda a: a.officer_order)

    @property
    def without_update(self) -> list[ActionThen]:
        """Actions waiting on their officer with no update for the period containing the day."""
        return [action for action in self.actions if action.needs_update]

    def theme_matrix(self, themes: Sequence[Any]) -> list[dict[str, Any]]:
        """Returns one row per theme (and one for recommendations without a theme) with RAG counts."""
        by_theme: dict[int | None, list[str]] = defaultdict(list)
        for recommendation in self.recommendations:
            by_theme[recommendation.recommendation.theme_id].append(recommendation.rating)
        rows = [{"theme": theme.name, "theme_object": theme, "counts": rag_counts(by_theme.get(theme.pk, [])),
                 "total": len(by_theme.get(theme.pk, []))} for theme in themes]
        if by_theme.get(None):
            rows.append({"theme": "No theme", "theme_object": None, "counts": rag_counts(by_theme[None]),
                         "total": len(by_theme[None])})
        return rows

    def earlier(self, day: dt.date) -> Plan:
        """Returns the plan as it stood at the end of an earlier `day`, folded from the same rows."""
        if day >= self.day:
            return self
        if not self._has_history:
            raise ValueError("This picture was taken without history; take it with timeline=True.")
        return _plan(self.challenge, day, end_of_day(day), self._all_recommendations, self._timelines,
                     has_history=True)

    def movement_since(self, earlier: Plan) -> dict[str, list[Movement]]:
        """Returns the recommendations whose rating changed since `earlier`, grouped by direction.

        "up" is towards Blue, "down" towards Red; "rated" were not yet rated before, "unrated"
        lost their rating (every rated action closed).
        """
        before = earlier.ratings()
        grouped: dict[str, list[Movement]] = {"up": [], "down": [], "rated": [], "unrated": []}
        for recommendation in self.recommendations:
            previous = before.get(recommendation.pk, NOT_RATED)
            if previous != recommendation.rating:
                move = Movement(recommendation.recommendation, previous, recommendation.rating)
                grouped[move.direction].append(move)
        return grouped

    def over_time(self) -> list[PeriodPicture]:
        """Returns the recommendations' ratings at the end of each reporting period.

        From the period of the first update to the period containing the day; the last one is as
        at the day itself (partial).
        """
        if not self._has_history:
            raise ValueError("This picture was taken without history; take it with timeline=True.")
        times = [row[0] for timeline in self._timelines for row in timeline.updates
                 if row[0] <= end_of_day(self.day)]
        if not times:
            return []
        periods = ReportingPeriod.span(ReportingPeriod.for_date(timezone.localtime(min(times)).date()),
                                       ReportingPeriod.for_date(self.day))
        pictures = []
        for period in periods:
            day = min(period.end, self.day)
            pictures.append(PeriodPicture(period, end_of_day(day), self.earlier(day).recommendation_counts,
                                          is_partial=day < period.end))
        return pictures


def _plan(challenge: PeerChallenge, day: dt.date, moment: dt.datetime | None,
          recommendations: Sequence[Recommendation], timelines: Sequence[_Timeline], *,
          has_history: bool, texts: dict[int, ProgressUpdate] | None = None) -> Plan:
    by_recommendation: dict[int, list[ActionThen]] = defaultdict(list)
    for timeline in timelines:
        then = timeline.at(day, moment, texts)
        if then is not None:
            by_recommendation[then.action.recommendation_id].append(then)
    pictures = []
    for recommendation in recommendations:
        actions = by_recommendation.get(recommendation.pk, [])
        pictures.append(RecommendationThen(
            recommendation=recommendation, actions=actions,
            rating=rag_rules.derive_recommendation_rag((a.status, a.rating) for a in actions),
        ))
    return Plan(challenge, day, pictures, list(recommendations), list(timelines), has_history)


def plans_as_at(challenges: Iterable[PeerChallenge], day: dt.date | None = None, *,
                details: bool = False, timeline: bool = False) -> dict[int, Plan]:
    """Returns each challenge's plan as it stood at the end of `day` (default today), by challenge id.

    `details` also fetches the latest updates' text and authors; `timeline` fetches the history
    that `Plan.earlier` and `Plan.over_time` fold. 3 queries (4 for a past day or a timeline, one
    more with `details`), however many challenges.
    """
    challenges = list(challenges)
    day = day or timezone.localdate()
    moment = moment_of(day)
    recommendations = list(
        Recommendation.objects.filter(challenge__in=challenges).select_related("theme").order_by("challenge", "number")
    )
    actions = Action.objects.filter(recommendation__in=recommendations).select_related(
        "recommendation__theme", "recommendation__challenge", "lead_officer")
    if moment is not None:
        actions = actions.filter(created_at__lte=moment)
    rows = list(actions.order_by("recommendation__number", "reference", "pk"))
    timelines = _timelines(rows, moment, history=moment is not None or timeline, day=day)
    texts = _details(timelines, moment) if details else None
    recommendations_of: dict[int, list[Recommendation]] = defaultdict(list)
    for recommendation in recommendations:
        recommendations_of[recommendation.challenge_id].append(recommendation)
    timelines_of: dict[int, list[_Timeline]] = defaultdict(list)
    for line in timelines:
        timelines_of[line.action.recommendation.challenge_id].append(line)
    return {
        challenge.pk: _plan(challenge, day, moment, recommendations_of[challenge.pk], timelines_of[challenge.pk],
                            has_history=moment is not None or timeline, texts=texts)
        for challenge in challenges
    }


def plan_as_at(challenge: PeerChallenge, day: dt.date | None = None, *, details: bool = False,
               timeline: bool = False) -> Plan:
    """Returns `challenge`'s plan as it stood at the end of `day` (default today); see `plans_as_at`."""
    return plans_as_at([challenge], day, details=details, timeline=timeline)[challenge.pk]


def recommendation_ratings(recommendations: QuerySet[Recommendation], day: dt.date | None = None) -> dict[int, str]:
    """Returns the rating of each of `recommendations` as at the end of `day`, by id: 2–3 queries."""
    chosen = list(recommendations)
    day = day or timezone.localdate()
    moment = moment_of(day)
    actions = Action.objects.filter(recommendation__in=chosen)
    if moment is not None:
        actions = actions.filter(created_at__lte=moment)
    rows = list(actions.order_by("pk"))
    timelines = _timelines(rows, moment, history=moment is not None, day=day)
    pairs: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for line in timelines:
        then = line.at(day, moment)
        if then is not None:
            pairs[line.action.recommendation_id].append((then.status, then.rating))
    return {r.pk: rag_rules.derive_recommendation_rag(pairs.get(r.pk, [])) for r in chosen}
