"""python manage.py send_update_reminders [--dry-run] [--today YYYY-MM-DD]

Emails each lead officer one message listing their actions that are overdue or
have no progress update for the current reporting period, with a link to each.
Only actions of a council the officer is an active member of are listed: someone
who left the council, or was never in it, hears nothing about its plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from peertrack import inputs
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from recommendations.services import Reminder, reminders_due


def _day(text: str) -> dt.date:
    return inputs.command_date(text, option="--today")


class Command(BaseCommand):
    help = ("Emails each lead officer the actions they lead that are overdue or have no update "
            "this reporting period. Schedule it once a week, e.g. from cron.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="List who would be emailed about which actions; send nothing.")
        parser.add_argument("--today", type=str, default=None,
                            help="Act as if today were this date (YYYY-MM-DD), e.g. to replay a day.")

    def handle(self, *args: Any, dry_run: bool, today: str | None, **options: Any) -> None:
        day = _day(today) if today else timezone.localdate()
        period = ReportingPeriod.for_date(day)
        reminders = self._members_only(reminders_due(today=day))
        self.stdout.write(f"Reminders for {day:%d %B %Y} (reporting period {period}): "
                          f"{len(reminders)} lead officer{'s' if len(reminders) != 1 else ''}.")
        messages = []
        for reminder in reminders:
            self._describe(reminder, day)
            if not reminder.officer.email:
                self.stderr.write(f"  Not sent: {reminder.officer.get_username()} has no email "
                                  "address.")
                continue
            messages.append(self._message(reminder, day, period))
        if dry_run:
            self.stdout.write(f"Dry run: {len(messages)} email(s) would be sent; none were.")
            return
        sent = get_connection().send_messages(messages) or 0
        self.stdout.write(f"Sent {sent} email(s).")

    def _members_only(self, reminders: list[Reminder]) -> list[Reminder]:
        """Returns the reminders with each officer's actions limited to their own councils'.

        An action whose lead officer is not an active member of its council is reported
        (so a coordinator can choose a new lead) and left out of every email.
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
                        f"Not sent: {officer.get_username()} leads "
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

    def _message(self, reminder: Reminder, day: dt.date,
                 period: ReportingPeriod) -> EmailMultiAlternatives:
        context = {
            "officer": reminder.officer,
            "actions": reminder.actions,
            "period": period,
            "today": day,
            "base_url": settings.PEERTRACK_BASE_URL,
            "organisation_name": settings.PEERTRACK_ORGANISATION,
        }
        subject = render_to_string("emails/update_reminder_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/update_reminder.txt", context),
            to=[reminder.officer.email],
        )
        message.attach_alternative(render_to_string("emails/update_reminder.html", context),
                                   "text/html")
        return message
