"""The coordinator's inbox ("Needs your attention"): what waits on a coordinator, or needs chasing.

It covers the current (not archived) challenges of every council the user coordinates (an
active coordinator `Membership`). Where each action stands is read from the plan as it stands
today (`asof.actions_as_at`), never worked out here. Five lists:

* **Awaiting sign-off**: reported complete by its officer; the oldest report first.
* **Returned and not yet updated**: a coordinator returned it and its officer has not updated
  it since; the longest waiting first.
* **Overdue**: waiting on its officer past its due date; the longest overdue first.
* **No update this period**: waiting on its officer with no update for the reporting period
  containing today. Returned actions are listed above instead.
* **Lead officer inactive or missing**: an open action with no lead officer, or one who may no
  longer lead an action of its council (`Action.possible_lead_officers`).

Otherwise an action can be under more than one heading (overdue and without an update, say).

Signing off several actions at once (`sign_off_many`) signs each off on its own, so each has its
own history record and one refusal (someone else signed it off first) stops no other. A request
naming anything but actions of the councils the user coordinates is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from peertrack import inputs
from recommendations import asof
from recommendations.asof import ActionThen
from recommendations.models import Action, Council, InvalidTransition, Membership, PeerChallenge
from recommendations.periods import ReportingPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COORDINATOR = Membership.Role.COORDINATOR

# A bulk sign-off names at most this many actions; more is not a form the inbox sent.
MOST_AT_ONCE = 500


def coordinated_councils(user: AbstractBaseUser | AnonymousUser) -> list[Council]:
    """Returns the councils `user` coordinates (an active coordinator membership), by name."""
    if not user.is_authenticated:
        return []
    roles = Membership.objects.active().filter(user=user, role=COORDINATOR)
    return list(Council.objects.filter(pk__in=roles.values("council")).order_by("name"))


def current_challenges(councils: Any) -> QuerySet[PeerChallenge]:
    """Returns the current (not archived) challenges of `councils` (Councils, ids or a queryset)."""
    return PeerChallenge.objects.current().filter(council__in=councils)


def awaiting_sign_off_count(council: Any) -> Coalesce:
    """An expression counting the actions awaiting sign-off in `council`'s current challenges.

    For annotating memberships with `OuterRef("council")`, so the header's count costs no query
    of its own. Now (not at a past day) the plan shows an action awaiting sign-off exactly when
    its stored status says so, which `tests/recommendations/test_inbox.py` checks against the list.
    """
    awaiting = (Action.objects.in_current_challenges()
                .filter(recommendation__challenge__council=council, status=Action.Status.AWAITING_SIGN_OFF)
                .order_by().values("recommendation__challenge__council")
                .annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(awaiting), 0)


def _reported_key(then: ActionThen) -> tuple[bool, float, int]:
    reported = then.action.completion_reported_at
    return (reported is None, reported.timestamp() if reported else 0.0, then.pk)


def _returned_key(then: ActionThen) -> tuple[float, int]:
    returned = then.returned_at
    return (returned.timestamp() if returned else 0.0, then.pk)


@dataclass(frozen=True)
class Inbox:
    """What needs a coordinator's attention in `councils`' current challenges, as at `day`."""

    councils: list[Council]
    day: dt.date
    awaiting: list[ActionThen]
    returned: list[ActionThen]
    overdue: list[ActionThen]
    without_update: list[ActionThen]
    lead_missing: list[ActionThen]

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod.for_date(self.day)

    @property
    def council_names(self) -> str:
        return _and([council.name for council in self.councils])

    @property
    def leads_to_reassign(self) -> list[LeadToReassign]:
        return leads_to_reassign(self)

    @property
    def sections(self) -> list[dict[str, Any]]:
        """Each list's anchor, heading and length, in page order (for the page's contents)."""
        return [
            {"id": "awaiting", "title": "Awaiting sign-off", "count": len(self.awaiting)},
            {"id": "returned", "title": "Returned and not yet updated", "count": len(self.returned)},
            {"id": "overdue", "title": "Overdue", "count": len(self.overdue)},
            {"id": "no-update", "title": "No update this period", "count": len(self.without_update)},
            {"id": "lead-officer", "title": "Lead officer inactive or missing", "count": len(self.lead_missing)},
        ]


def inbox_for(councils: list[Council]) -> Inbox:
    """Returns the inbox of `councils`' current challenges as they stand today: 4 queries."""
    # Whether the lead officer may still lead an action of the action's council: the one rule,
    # asked in the same query (the council is two queries out, inside the rule's own subquery).
    may_lead = Action.possible_lead_officers(
        OuterRef(OuterRef("recommendation__challenge__council"))).filter(pk=OuterRef("lead_officer"))
    # The lead officer's membership of the council, ended or not: the People pages reassign from it.
    former_membership = Membership.objects.filter(
        user=OuterRef("lead_officer"), council=OuterRef("recommendation__challenge__council")).values("pk")[:1]
    rows = (Action.objects.filter(recommendation__challenge__in=current_challenges(councils))
            .exclude(status__in=asof.FINISHED)
            .annotate(lead_may_lead=Exists(may_lead), lead_membership=Subquery(former_membership))
            .select_related("recommendation__challenge__council", "lead_officer", "completion_reported_by")
            .order_by("recommendation__challenge__council__name", "recommendation__challenge__title",
                      "recommendation__number", "reference", "pk"))
    plan = asof.actions_as_at(rows, details=True)
    waiting = sorted(plan, key=lambda then: then.officer_order)
    awaiting = sorted((t for t in plan if t.state == Action.Status.AWAITING_SIGN_OFF), key=_reported_key)
    # The officer's report shows inline with its evidence files: one query for them all.
    prefetch_related_objects([then.latest_update for then in awaiting if then.latest_update], "evidence_files")
    return Inbox(
        councils=councils,
        day=timezone.localdate(),
        awaiting=awaiting,
        returned=sorted((t for t in plan if t.is_returned), key=_returned_key),
        overdue=[then for then in waiting if then.overdue],
        without_update=[then for then in waiting if then.needs_update and not then.is_returned],
        lead_missing=[then for then in waiting
                      if then.is_open and not then.action.lead_may_lead],  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class LeadToReassign:
    """A lead officer who can no longer lead their open actions, for reassigning them all at once."""

    council: Council
    person: Any
    membership_pk: int
    count: int


def leads_to_reassign(inbox: Inbox) -> list[LeadToReassign]:
    """Returns the people behind `inbox.lead_missing` (left, or switched off) with how many open actions
    each still leads, by council: the People pages' bulk reassign takes them (ADR 0021)."""
    found: dict[tuple[int, int], LeadToReassign] = {}
    for then in inbox.lead_missing:
        action = then.action
        membership_pk = getattr(action, "lead_membership", None)
        if action.lead_officer is None or membership_pk is None:
            continue
        council = action.recommendation.challenge.council
        key = (council.pk, action.lead_officer.pk)
        seen = found.get(key)
        found[key] = LeadToReassign(council, action.lead_officer, membership_pk, (seen.count if seen else 0) + 1)
    return list(found.values())


def describe(action: Action) -> str:
    """Returns how a message names an action: its reference and its challenge."""
    return f"{action.reference} ({action.recommendation.challenge.title})"


def _and(items: list[str]) -> str:
    """Returns "a", "a and b", "a, b and c"."""
    return "".join(items) if len(items) <= 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@dataclass
class SignOffOutcome:
    """What a sign-off from the inbox did: the actions signed off, those refused and why.

    `problem` is set when the request as a whole was refused; then nothing was signed off.
    """

    signed: list[Action] = field(default_factory=list)
    refused: list[tuple[Action, str]] = field(default_factory=list)
    problem: str = ""

    @property
    def summary(self) -> str:
        """Says in words how many were signed off, and which."""
        if self.problem:
            return self.problem
        if not self.signed:
            return "No action was signed off."
        if len(self.signed) == 1:
            return f"Action {describe(self.signed[0])} is signed off as complete."
        return (f"{len(self.signed)} actions are signed off as complete: "
                f"{_and([describe(action) for action in self.signed])}.")

    @property
    def refusals(self) -> list[str]:
        """Says, one line each, which actions were not signed off and why."""
        return [f"Action {describe(action)} was not signed off. {reason}" for action, reason in self.refused]


def _read_ids(chosen: list[str]) -> tuple[list[int], str]:
    """Returns the action ids `chosen` names, without repeats, or a message saying why it cannot be read."""
    if not chosen:
        return [], "Select at least one action to sign off."
    if len(chosen) > MOST_AT_ONCE:
        return [], f"Select at most {MOST_AT_ONCE} actions at a time. Nothing was signed off."
    ids: list[int] = []
    for value in chosen:
        try:
            ids.append(inputs.whole_number(value.strip()))
        except ValueError:
            return [], (f"“{value.strip()[:30]}” is not an action the inbox lists, so nothing was "
                        "signed off. Reload the page and try again.")
    return list(dict.fromkeys(ids)), ""


def sign_off_many(*, chosen: list[str], councils: list[Council], by: Any) -> SignOffOutcome:
    """Signs off each action of `chosen` (ids as posted) on its own, oldest report first.

    Only actions of `councils`' challenges are taken: if `chosen` names anything else (another
    council's action, an id that is not a number, no action at all), nothing is signed off and
    `problem` says why. An action of an archived challenge, or one no longer awaiting sign-off
    (signed off or returned by someone else first, or withdrawn by a newer update), is refused
    with the reason and the others go ahead.
    """
    ids, problem = _read_ids(chosen)
    if problem:
        return SignOffOutcome(problem=problem)
    found = list(Action.objects.filter(pk__in=ids, recommendation__challenge__council__in=councils)
                 .select_related("recommendation__challenge")
                 .order_by(F("completion_reported_at").asc(nulls_last=True), "pk"))
    if len(found) != len(ids):
        missing = len(ids) - len(found)
        return SignOffOutcome(problem=(
            f"{missing} of the selected actions {'is' if missing == 1 else 'are'} not in a challenge you "
            "coordinate, so nothing was signed off."))
    outcome = SignOffOutcome()
    for action in found:
        challenge = action.recommendation.challenge
        if challenge.is_archived:
            outcome.refused.append((action, f"{challenge.title} is archived, so it is read-only."))
            continue
        try:
            action.sign_off(by=by)
        except InvalidTransition as refusal:
            outcome.refused.append((action, str(refusal)))
        else:
            outcome.signed.append(action)
    return outcome
