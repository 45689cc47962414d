"""The scheduled notifications of one council for one day (`tasks.send_scheduled`, run daily).

Where every action stands comes from `recommendations.asof` on that day; nothing here works out an
action's status, due date, overdue or need of an update. Only the actions of current (not
archived) challenges with a lead officer who may still lead them are looked at, and only while
they wait on their officer (not started or in progress): complete, closed and reported-complete
actions produce nothing.

Every day:

- **due in 14 days** and **overdue**: once for each action and due date (a new due date is a new
  occasion);
- **no update by the reporting deadline**: the deadline is the last day of the previous reporting
  period. An action that needed an update then and has had none since is listed in one reminder
  to its lead officer each week (ISO week), until an update is recorded. When more than the
  council's `escalate_after_weeks` have passed since the deadline, the council's coordinators are
  told once for that period (`CouncilNotificationSettings`, 3 weeks unless the council chooses);
- **a new lead officer** named by a change the action's history records, found in the last
  `LEAD_CHANGES_WITHIN` (a safety net: `recommendations.signals.action_written` tells them at once).

On the first run of each week (Monday, or the first day after it the run happens):

- each coordinator's **summary of Needs your attention** (`recommendations.inbox`), when it lists anything;
- each person's **weekly summary email** of the notifications they asked to have in it.

Then everything waiting to go straight away is emailed. Every step can run again (a retry,
tomorrow's run) without telling anyone twice: the notifications' unique keys and the claims in
`delivery.py` see to it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from notifications import people
from notifications.delivery import Draft, make, send_summaries, send_unsent
from notifications.events import action_draft, is_news, lead_officer_draft, long_date, short
from notifications.kinds import DUE_SOON_DAYS, Kind
from notifications.models import CouncilNotificationSettings, WeeklyRun, week_starting
from recommendations import asof, inbox
from recommendations.asof import ActionThen
from recommendations.inbox import describe
from recommendations.models import Action, Council
from recommendations.periods import ReportingPeriod

# How far back the history is searched for lead officers named without a signal: a week, and a
# day more, so a run missed for a few days still finds them.
LEAD_CHANGES_WITHIN = dt.timedelta(days=8)
# Actions listed by name in a summary of Needs your attention, per list.
MOST_LISTED = 10


@dataclass(frozen=True)
class RunSummary:
    council_id: int
    day: dt.date
    weekly: bool
    wanted: int  # notifications people wanted, made now or by an earlier run
    emails: int
    summaries: int


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def led_actions(council_id: int) -> QuerySet[Action]:
    """The actions a run looks at: those with a lead officer in the council's current challenges."""
    return (Action.objects.in_current_challenges()
            .filter(recommendation__challenge__council_id=council_id, lead_officer__isnull=False)
            .select_related("lead_officer", "recommendation__challenge")
            .order_by("recommendation__challenge__title", "recommendation__number", "reference", "pk"))


def run(*, council_id: int, day: dt.date) -> RunSummary:
    """Makes and sends the council's scheduled notifications for `day`; see the module docstring."""
    council = Council.objects.get(pk=council_id)
    leads = people.possible_leads(council_id)
    actions = led_actions(council_id)
    plan = asof.actions_as_at(actions, day)
    waiting = [then for then in plan if then.waits_on_officer and then.action.lead_officer_id in leads]
    drafts = [*due_and_overdue(waiting, day), *lead_changes(plan, leads)]
    drafts += no_update(council, actions, waiting, day)
    monday = week_starting(day)
    weekly = not WeeklyRun.objects.filter(council_id=council_id, week_starting=monday).exists()
    if weekly:
        drafts += inbox_summaries(council, day)
    wanted = make(drafts)
    emails = send_unsent(council_id)
    summaries = 0
    if weekly:
        summaries = send_summaries(council_id, week_starting=monday)
        WeeklyRun.objects.get_or_create(council_id=council_id, week_starting=monday)
    return RunSummary(council_id=council_id, day=day, weekly=weekly, wanted=wanted, emails=emails,
                      summaries=summaries)


def due_and_overdue(waiting: list[ActionThen], day: dt.date) -> list[Draft]:
    """Overdue, or due within `DUE_SOON_DAYS`: once per action and due date."""
    horizon = day + dt.timedelta(days=DUE_SOON_DAYS)
    drafts = []
    for then in waiting:
        if then.due_date is None:
            continue
        action = describe(then.action)
        if then.overdue:
            kind, title = Kind.OVERDUE, f"Action {action} is overdue"
            body = (f"Action {action} was due on {long_date(then.due_date)} and is not reported complete:\n"
                    f"{then.description}\n\n"
                    "Please record a progress update: report it complete (Blue) if it is done, or say what "
                    "is left and by when. A coordinator can move the due date if it has changed.")
        elif then.due_date <= horizon:
            days = (then.due_date - day).days
            when = "today" if days == 0 else f"in {plural(days, 'day')}"
            kind, title = Kind.DUE_SOON, f"Action {action} is due {when}"
            body = (f"Action {action} is due on {long_date(then.due_date)}, {when}:\n{then.description}\n\n"
                    "If it will be done in time, report it complete (Blue) when it is. If it will be late, "
                    "say so in a progress update and ask a coordinator to move the due date.")
        else:
            continue
        drafts.append(action_draft(then, then.action.lead_officer, kind, occasion=f"due:{then.due_date}",
                                   body=body, title=title))
    return drafts


def no_update(council: Council, actions: QuerySet[Action], waiting: list[ActionThen], day: dt.date) -> list[Draft]:
    """The weekly reminders to lead officers whose actions had no update by the last deadline, and the
    coordinators' escalation once more than the council's chosen weeks have passed."""
    period = ReportingPeriod.for_date(day).previous()
    deadline = period.end
    at_deadline = {then.pk: then for then in asof.actions_as_at(actions, deadline)}
    cutoff = asof.end_of_day(deadline)
    missed = [then for then in waiting
              if (before := at_deadline.get(then.pk)) is not None and before.needs_update
              and (then.last_update_at is None or then.last_update_at <= cutoff)]
    if not missed:
        return []
    weeks = CouncilNotificationSettings.weeks_for(council.pk)
    by_officer: dict[int, list[ActionThen]] = defaultdict(list)
    for then in missed:
        by_officer[then.action.lead_officer_id].append(then)  # type: ignore[index]
    drafts = []
    for listed in by_officer.values():
        officer = listed[0].action.lead_officer
        lines = "\n".join(f"- {describe(then.action)}: {short(then.description)}" for then in listed)
        count = len(listed)
        body = (f"The deadline for progress updates for {period} was {long_date(deadline)}. "
                f"{'These actions' if count != 1 else 'This action'} you lead in {council.name} "
                f"{'have' if count != 1 else 'has'} had no update since:\n{lines}\n\n"
                "Please record an update for each. This reminder comes every week until you do; "
                f"after {plural(weeks, 'week')} without one, the council's coordinators are told.")
        drafts.append(Draft(
            recipient=officer, council_id=council.pk, kind=Kind.NO_UPDATE, subject=f"council:{council.pk}",
            occasion=f"{period.key}:{iso_week(day)}", url=reverse("my_actions"), body=body,
            title=f"{plural(count, 'action')} you lead {'has' if count == 1 else 'have'} no update for {period}"))
    if (day - deadline).days > 7 * weeks:
        lines = "\n".join(f"- {describe(then.action)}, {people.name(then.action.lead_officer)}: "
                          f"{short(then.description)}" for then in missed)
        count = len(missed)
        body = (f"The deadline for progress updates for {period} was {long_date(deadline)}. More than "
                f"{plural(weeks, 'week')} later, {'these actions have' if count != 1 else 'this action has'} "
                f"still had no update, although {'their lead officers have' if count != 1 else 'its lead officer has'}"
                f" been reminded each week:\n{lines}\n\n"
                "You may want to ask the lead officers about them, or name a deputy.")
        title = (f"{plural(count, 'action')} still {'has' if count == 1 else 'have'} no update for {period}, "
                 f"{plural(weeks, 'week')} after the deadline")
        drafts += [Draft(recipient=coordinator, council_id=council.pk, kind=Kind.ESCALATION,
                         subject=f"council:{council.pk}", occasion=period.key, title=title, body=body,
                         url=f"{reverse('inbox')}#no-update")
                   for coordinator in people.coordinators(council.pk)]
    return drafts


def lead_changes(plan: list[ActionThen], leads: set[int]) -> list[Draft]:
    """Lead officers named in the last `LEAD_CHANGES_WITHIN` by a change that sent no signal.

    Read from the actions' history: a record whose lead officer differs from the record before it
    (or the record of the action's creation). Someone who named themselves is not told; the
    notification's key makes it once per person and action, however it was found.
    """
    open_now = {then.pk: then for then in plan if then.is_open}
    if not open_now:
        return []
    since = timezone.now() - LEAD_CHANGES_WITHIN
    touched = Action.history.filter(id__in=list(open_now), history_date__gte=since).values("id")
    records = (Action.history.filter(id__in=touched).order_by("id", "history_date", "history_id")
               .values_list("id", "lead_officer_id", "history_user_id", "history_date", "history_type"))
    drafts = []
    before: dict[int, Any] = {}
    for action_id, lead_id, by_id, when, history_type in records:
        first = action_id not in before
        previous = before.get(action_id)
        before[action_id] = lead_id
        then = open_now[action_id]
        if first:
            # Its creation, unless it was recorded as made long before (demo data, a plan typed in later).
            changed = history_type == "+" and is_news(then.action.created_at, saved_at=when)
        else:
            changed = lead_id != previous
        if (changed and lead_id is not None and when >= since and lead_id != by_id and lead_id in leads
                and then.action.lead_officer_id == lead_id):
            drafts.append(lead_officer_draft(then, then.action.lead_officer))
    return drafts


def inbox_summaries(council: Council, day: dt.date) -> list[Draft]:
    """Each coordinator's weekly summary of Needs your attention in the council, when it lists anything."""
    coordinators = people.coordinators(council.pk)
    if not coordinators:
        return []
    box = inbox.inbox_for([council])
    sections = [
        ("Awaiting your sign-off", box.awaiting,
         lambda t: f"reported complete by {people.name(t.action.completion_reported_by)}"),
        ("Returned and not yet updated", box.returned,
         lambda t: f"returned on {long_date(t.returned_at)}" if t.returned_at else "returned"),
        ("Overdue", box.overdue, lambda t: f"was due on {long_date(t.due_date)}, {people.name(t.action.lead_officer)}"),
        ("No update this period", box.without_update, lambda t: people.name(t.action.lead_officer)
         if t.action.lead_officer else "no lead officer"),
        ("Lead officer inactive or missing", box.lead_missing,
         lambda t: f"{people.name(t.action.lead_officer)} can no longer lead it" if t.action.lead_officer
         else "no lead officer"),
    ]
    counts = [f"{len(rows)} {title[0].lower() + title[1:]}" for title, rows, _ in sections if rows]
    if not counts:
        return []
    parts = []
    for title, rows, words in sections:
        if not rows:
            continue
        lines = [f"- {describe(then.action)}: {words(then)}" for then in rows[:MOST_LISTED]]
        if len(rows) > MOST_LISTED:
            lines.append(f"- and {len(rows) - MOST_LISTED} more")
        parts.append(f"{title} ({len(rows)}):\n" + "\n".join(lines))
    body = (f"This is what needs your attention in {council.name} this week, as it stands on "
            f"{long_date(box.day)}.\n\n" + "\n\n".join(parts))
    title = f"Needs your attention in {council.name}: {', '.join(counts)}"
    return [Draft(recipient=coordinator, council_id=council.pk, kind=Kind.INBOX_DIGEST,
                  subject=f"council:{council.pk}", occasion=iso_week(day), title=title, body=body,
                  url=reverse("inbox"))
            for coordinator in coordinators]
