"""Notifications that follow something someone did: who is told, and in what words.

Each function reads the row the event names as it stands when the task runs (where an action
stands comes from `recommendations.asof`, never worked out here) and returns drafts, or none:

- an archived challenge, or an action that is closed or complete, produces nothing;
- nobody is told about what they did themselves (`actor_id`);
- only active accounts that may act in the council are told (`people.py`).

The signal receivers (`signals.py`) enqueue `tasks.notify` with the event's name and row id once
the transaction that wrote the row commits. An action or update recorded as made more than a day
before it was saved (demo data, a plan typed in after the fact) is not news (`is_news`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from notifications import people
from notifications.delivery import Draft
from notifications.kinds import Kind
from recommendations import asof
from recommendations.asof import ActionThen
from recommendations.inbox import describe
from recommendations.models import Action, Deputy, ProgressUpdate, SignOffReturn
from reviews.models import IssuedPack

# How much of an action's wording a list of actions shows.
SHORT = 120
# What happened longer ago than this when it was saved is not news: nobody is told.
NEWS_FOR = dt.timedelta(days=1)


def is_news(moment: dt.datetime | None, *, saved_at: dt.datetime | None = None) -> bool:
    """True when something recorded as happening at `moment` was saved (`saved_at`, default now)
    soon enough after it to be worth telling people about."""
    return moment is None or moment >= (saved_at or timezone.now()) - NEWS_FOR


def short(text: str) -> str:
    """Returns `text` on one line, cut at the last word that fits in SHORT characters, with an
    ellipsis when it was cut."""
    text = " ".join(text.split())
    if len(text) <= SHORT:
        return text
    return text[:SHORT].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def long_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return date_format(day, "j F Y")


def action_then(action_id: int, day: dt.date | None = None) -> ActionThen | None:
    """Returns the action as the plan shows it on `day` (today), with what the words need: 2 queries."""
    rows = (Action.objects.filter(pk=action_id)
            .select_related("lead_officer", "completion_reported_by", "recommendation__challenge__council"))
    found = asof.actions_as_at(rows, day)
    return found[0] if found else None


def in_play(then: ActionThen | None) -> bool:
    """True when the action's challenge is current (not archived) and the action is open."""
    return then is not None and not then.action.recommendation.challenge.is_archived and then.is_open


def action_draft(then: ActionThen, recipient: Any, kind: str, *, title: str, body: str, subject: str = "",
                 occasion: str = "") -> Draft:
    action = then.action
    challenge = action.recommendation.challenge
    return Draft(recipient=recipient, council_id=challenge.council_id, kind=kind,
                 subject=subject or f"action:{action.pk}", occasion=occasion, title=title, body=body,
                 url=action.get_absolute_url(), action_id=action.pk, challenge_id=challenge.pk)


def due_words(then: ActionThen) -> str:
    return f"It is due on {long_date(then.due_date)}." if then.due_date else "It has no due date."


# --- the events ---------------------------------------------------------------------------


def lead_officer_named(action_id: int, *, actor_id: int | None = None) -> list[Draft]:
    """Tells an action's lead officer they lead it (once per person and action)."""
    then = action_then(action_id)
    if then is None or not in_play(then):
        return []
    officer = then.action.lead_officer
    council_id = then.action.recommendation.challenge.council_id
    if officer is None or officer.pk == actor_id or officer.pk not in people.possible_leads(council_id):
        return []
    return [lead_officer_draft(then, officer)]


def lead_officer_draft(then: ActionThen, officer: Any) -> Draft:
    """The words that tell `officer` they lead the action; the key is once per person and action."""
    action = then.action
    recommendation = action.recommendation
    body = (f"You are now the lead officer for action {describe(action)}:\n{then.description}\n\n"
            f"It answers recommendation {recommendation.number}, {recommendation.title}. {due_words(then)}\n\n"
            "Please record its progress each reporting period (the quarters of the financial year, "
            "April to March).")
    return action_draft(then, officer, Kind.LEAD_OFFICER, title=f"You are the lead officer for action "
                        f"{describe(action)}", body=body)


def deputy_named(deputy_id: int, *, actor_id: int | None = None) -> list[Draft]:
    """Tells someone named as a deputy what they may now do, and until when."""
    deputy = (Deputy.objects.select_related("deputy", "lead_officer", "named_by", "council")
              .filter(pk=deputy_id).first())
    if deputy is None or not deputy.is_active() or deputy.deputy_id == actor_id:
        return []
    if deputy.deputy_id not in people.possible_leads(deputy.council_id):
        return []
    until = long_date(deputy.ends_on)
    who = people.name(deputy.named_by)
    if deputy.action_id is not None:
        then = action_then(deputy.action_id)
        if then is None or not in_play(then):
            return []
        lead = people.name(then.action.lead_officer) if then.action.lead_officer else "its lead officer"
        body = (f"{who} named you as a deputy for action {describe(then.action)}, led by {lead}. "
                f"You may record progress updates on it until the end of {until}.\n\n"
                "Signing off, returning, editing and closing stay with the coordinators.")
        return [action_draft(then, deputy.deputy, Kind.DEPUTY, subject=f"deputy:{deputy.pk}", body=body,
                             title=f"You can record progress on action {describe(then.action)} until {until}")]
    lead = people.name(deputy.lead_officer)
    body = (f"{who} named you as a deputy for every action {lead} leads in {deputy.council.name}, now and "
            f"later. You may record progress updates on them until the end of {until}.\n\n"
            "Signing off, returning, editing and closing stay with the coordinators.")
    return [Draft(recipient=deputy.deputy, council_id=deputy.council_id, kind=Kind.DEPUTY,
                  subject=f"deputy:{deputy.pk}", title=f"You can record progress for {lead} until {until}",
                  body=body, url=reverse("my_actions"))]


def action_returned(return_id: int, *, actor_id: int | None = None) -> list[Draft]:
    """Tells the lead officer their action was returned, with the coordinator's reason."""
    row = SignOffReturn.objects.select_related("returned_by").filter(pk=return_id).first()
    if row is None:
        return []
    then = action_then(row.action_id)
    if then is None or not in_play(then):
        return []
    action = then.action
    officer = action.lead_officer
    council_id = action.recommendation.challenge.council_id
    if (officer is None or officer.pk in (actor_id, row.returned_by_id)
            or officer.pk not in people.possible_leads(council_id)):
        return []
    body = (f"{people.name(row.returned_by)} returned action {describe(action)} to you on "
            f"{long_date(row.returned_at)}: it is not yet signed off as complete.\n\n"
            f"The reason given:\n{row.reason}\n\n"
            "Please record a new progress update. Until you do, the action shows as Returned, with the "
            "rating it had before it was reported complete.")
    return [action_draft(then, officer, Kind.RETURNED, subject=f"return:{row.pk}", body=body,
                         title=f"Action {describe(action)} has been returned to you")]


def progress_recorded(update_id: int, *, actor_id: int | None = None) -> list[Draft]:
    """Tells the council's coordinators an action is reported complete and awaits their sign-off.

    Once per report: a second Blue update on an action already awaiting sign-off is the same report.
    """
    action_id = ProgressUpdate.objects.filter(pk=update_id).values_list("action_id", flat=True).first()
    if action_id is None:
        return []
    then = action_then(action_id)
    if then is None or not in_play(then) or then.state != Action.Status.AWAITING_SIGN_OFF:
        return []
    action = then.action
    reported_at = action.completion_reported_at
    if reported_at is None:
        return []
    reporter = action.completion_reported_by
    council_id = action.recommendation.challenge.council_id
    body = (f"{people.name(reporter)} reported action {describe(action)} complete on {long_date(reported_at)}:"
            f"\n{then.description}\n\n"
            "It shows as Green until a coordinator signs it off. Sign it off, or return it with your "
            "reason, from the action's page or from Needs your attention.")
    title = f"Action {describe(action)} is reported complete and awaits sign-off"
    return [action_draft(then, coordinator, Kind.REPORTED_COMPLETE, title=title, body=body,
                         occasion=f"claim:{reported_at.isoformat()}")
            for coordinator in people.coordinators(council_id)
            if coordinator.pk not in (actor_id, action.completion_reported_by_id)]


def officer_deactivated(user_id: int, *, council_id: int, actor_id: int | None = None) -> list[Draft]:
    """Tells the council's coordinators that someone whose account was switched off leads open actions."""
    officer = get_user_model().objects.filter(pk=user_id).first()
    if officer is None or officer.is_active:
        return []
    led = (Action.objects.in_current_challenges()
           .filter(lead_officer=officer, recommendation__challenge__council_id=council_id)
           .select_related("recommendation__challenge")
           .order_by("recommendation__challenge__title", "recommendation__number", "reference", "pk"))
    still_open = [then for then in asof.actions_as_at(led) if then.is_open]
    if not still_open:
        return []
    count = len(still_open)
    listed = "\n".join(f"- {describe(then.action)}: {short(then.description)}" for then in still_open)
    body = (f"The account of {people.name(officer)} has been switched off, and they lead "
            f"{count} open action{'s' if count != 1 else ''}:\n{listed}\n\n"
            "Choose a new lead officer for each. They are listed under \"Lead officer inactive or "
            "missing\" in Needs your attention.")
    title = (f"{people.name(officer)}'s account is switched off: {count} open "
             f"action{'s need' if count != 1 else ' needs'} a new lead officer")
    today = timezone.localdate()
    return [Draft(recipient=coordinator, council_id=council_id, kind=Kind.OFFICER_DEACTIVATED,
                  subject=f"user:{officer.pk}", occasion=f"off:{today.isoformat()}", title=title, body=body,
                  url=f"{reverse('inbox')}#lead-officer")
            for coordinator in people.coordinators(council_id) if coordinator.pk not in (actor_id, officer.pk)]


def pack_issued(pack_id: int, *, actor_id: int | None = None) -> list[Draft]:
    """Tells the council's scrutiny members (those who asked to hear) that a committee pack was issued."""
    pack = IssuedPack.objects.select_related("challenge__council", "issued_by").filter(pk=pack_id).first()
    if pack is None or pack.challenge.is_archived:
        return []
    challenge = pack.challenge
    body = (f"{people.name(pack.issued_by)} issued pack {pack.sequence} of {challenge.title} for "
            f"{pack.committee} on {long_date(pack.meeting_date)}: {pack.subject}. Its figures are as at "
            f"{long_date(pack.as_of)}.\n\nThe issued PDF is kept exactly as it went to the committee.")
    title = f"Committee pack issued for {pack.committee}, {long_date(pack.meeting_date)}"
    return [Draft(recipient=member, council_id=challenge.council_id, kind=Kind.PACK_ISSUED,
                  subject=f"pack:{pack.pk}", title=title, body=body,
                  url=reverse("pack_list", args=[challenge.slug]), challenge_id=challenge.pk)
            for member in people.scrutiny_members(challenge.council_id)
            if member.pk not in (actor_id, pack.issued_by_id)]


# The events `tasks.notify` runs, by the name the signal receivers give.
EVENTS: dict[str, Callable[..., list[Draft]]] = {
    "lead_officer": lead_officer_named,
    "deputy": deputy_named,
    "returned": action_returned,
    "progress": progress_recorded,
    "pack": pack_issued,
}
