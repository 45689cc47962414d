"""python manage.py send_update_reminders --dry-run [--today YYYY-MM-DD]

Reports, for each lead officer, their actions that are overdue or have no progress update for the
current reporting period, as the plan stood on the day. Only actions of a council the officer is
an active member of are listed: someone who left the council, or was never in it, is reported on
stderr so a coordinator can choose a new lead officer.

It sends nothing. Reminders are notifications now: `manage.py send_notifications`, run daily, tells
lead officers about actions due soon, overdue or without an update by the reporting deadline, as
each person chooses (README, "Scheduling"). Run without --dry-run, this command says so and stops,
so a schedule left pointing at it is noticed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from peertrack import inputs
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from recommendations.services import Reminder, reminders_due

NOT_SENT = ("send_update_reminders no longer sends email: reminders are notifications, sent by "
            "`manage.py send_notifications` once a day (README, \"Scheduling\"). Run this command with "
            "--dry-run to see who is behind with which actions.")


def _day(text: str) -> dt.date:
    return inputs.command_date(text, option="--today")


class Command(BaseCommand):
    help = ("Reports each lead officer's actions that are overdue or have no update this reporting period "
            "(--dry-run). It sends nothing: send_notifications emails reminders.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="List each lead officer and their actions that need an update; send nothing.")
        parser.add_argument("--today", type=str, default=None,
                            help="Act as if today were this date (YYYY-MM-DD), e.g. to replay a day.")

    def handle(self, *args: Any, dry_run: bool, today: str | None, **options: Any) -> None:
        day = _day(today) if today else timezone.localdate()
        if not dry_run:
            raise CommandError(NOT_SENT)
        period = ReportingPeriod.for_date(day)
        reminders = self._members_only(reminders_due(today=day))
        self.stdout.write(f"Reminders for {day:%d %B %Y} (reporting period {period}): "
                          f"{len(reminders)} lead officer{'s' if len(reminders) != 1 else ''}.")
        for reminder in reminders:
            self._describe(reminder, day)
            if not reminder.officer.email:
                self.stderr.write(f"  {reminder.officer.get_username()} has no email address: "
                                  "notifications reach them in their Notifications list only.")
        self.stdout.write("Dry run: nothing was sent. Reminders are sent by send_notifications.")

    def _members_only(self, reminders: list[Reminder]) -> list[Reminder]:
        """Returns the reminders with each officer's actions limited to their own councils'.

        An action whose lead officer is not an active member of its council is reported on
        stderr (so a coordinator can choose a new lead) and left out of the report.
        """
        councils = {then.action.recommendation.challenge.council_id
                    for reminder in reminders for then in reminder.actions}
        members = {council: set(Action.possible_lead_officers(council).values_list("pk", flat=True))
                   for council in councils}
        kept = []
        for reminder in reminders:
            officer = reminder.officer
            actions = []
            for then in reminder.actions:
                action = then.action
                if officer.pk in members[action.recommendation.challenge.council_id]:
                    actions.append(then)
                else:
                    self.stderr.write(
                        f"Left out: {officer.get_username()} leads "
                        f"{action.recommendation.challenge.slug} {action.reference} but is not an "
                        "active member of its council; choose a new lead officer.")
            if actions:
                kept.append(Reminder(officer=officer, actions=actions))
        return kept

    def _describe(self, reminder: Reminder, day: dt.date) -> None:
        officer = reminder.officer
        self.stdout.write(f"{officer.get_full_name() or officer.get_username()} "
                          f"<{officer.email or 'no email'}>:")
        for then in reminder.actions:
            reasons = []
            if then.overdue:
                reasons.append(f"overdue since {then.due_date:%d %B %Y}")
            if then.needs_update:
                reasons.append("no update this period")
            self.stdout.write(f"  {then.action.recommendation.challenge.slug} {then.action.reference}: "
                              f"{'; '.join(reasons)}")
