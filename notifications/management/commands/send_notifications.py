"""python manage.py send_notifications [--today YYYY-MM-DD] [--council SLUG]

Queues one task per council (`notifications.tasks.send_scheduled`) that makes and emails that day's
scheduled notifications: actions due in 14 days or overdue, no update by the reporting deadline
(weekly, then escalated to coordinators), and on the first run of each week the summaries of
Needs your attention and the weekly summary emails. The task worker runs them. Run this once a
day (README, "Scheduling"); running it twice in a day tells nobody anything twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.tasks import send_scheduled
from peertrack import inputs
from recommendations.models import Council


class Command(BaseCommand):
    help = ("Queues the day's notifications for every council (or one). Run it once a day, e.g. from cron; "
            "the task worker makes and emails them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=str, default=None,
                            help="Act as if today were this date (YYYY-MM-DD), e.g. to replay a missed day.")
        parser.add_argument("--council", type=str, default=None, help="Only this council (its slug).")

    def handle(self, *args: Any, today: str | None, council: str | None, **options: Any) -> None:
        day = inputs.command_date(today, option="--today") if today else timezone.localdate()
        councils = Council.objects.order_by("name")
        if council is not None:
            councils = councils.filter(slug=council.strip())
            if not councils.exists():
                raise CommandError(f"There is no council with the slug {council.strip()[:80]!r}.")
        queued = 0
        for council_id in councils.values_list("pk", flat=True):
            send_scheduled.enqueue(council_id=council_id, day=day.isoformat())
            queued += 1
        self.stdout.write(f"Queued the notifications of {day:%-d %B %Y} for {queued} "
                          f"council{'s' if queued != 1 else ''}.")
