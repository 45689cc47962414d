"""Notifications at national size: queueing and sending a week's notifications with one worker.

    .venv/bin/python bench/notifications.py --councils 20                  # a quick run, SQLite in /tmp
    .venv/bin/python bench/notifications.py --database-url postgres://postgres@127.0.0.1:5432/peertrack_notify_bench

Builds the national data set in a fresh database (bench/dashboards.py's `build_national_dataset`:
350 councils x 2 challenges x 10 recommendations x 4 actions x 12 updates, the latest challenge in
January 2024), adds a coordinator to each council and email addresses for everyone, and has the
officers of every other council choose the weekly summary for everything. Then, for each day of the
week from Monday 21 October 2024 (three weeks after the 2024/25 Q2 deadline, so the week holds
overdue and due-soon actions, the weekly no-update reminders, the first escalations to coordinators,
the summaries of Needs your attention and the weekly summary emails):

- enqueue: `manage.py send_notifications --today DAY` (one task per council in the database queue);
- work: one worker, `manage.py db_worker --batch`, runs them all: it makes the notifications and
  sends the emails (Django's in-memory email backend, so the mail server's own time is left out).

Prints, per day and for the week: seconds to enqueue and to work, notifications made, emails sent,
database queries (every query of the worker, claiming tasks included) and the ratios: queries per
notification, milliseconds per notification and per council. The first day also holds what had
piled up before the week (every action already overdue is told once), so it is the worst day.
Compare ratios, not absolute times: the machine is shared.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MONDAY = dt.date(2024, 10, 21)


class QueryCounter:
    """Counts every query the connection runs (`connection.execute_wrapper`); the query log would cap."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def add_people() -> None:
    """A coordinator for each council, an email address for everyone, and every other council's
    officer choosing the weekly summary for every kind."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from notifications.kinds import Delivery, Kind
    from notifications.models import NotificationPreference
    from recommendations.models import Council, Membership

    user_model = get_user_model()
    councils = list(Council.objects.order_by("slug"))
    coordinators = user_model.objects.bulk_create([
        user_model(username=f"coordinator-{council.slug.removeprefix('bench-')}", first_name="Coordinator",
                   last_name=council.slug, password=make_password(None))  # unusable: no sign-in
        for council in councils])
    Membership.objects.bulk_create([Membership(user=user, council=council, role=Membership.Role.COORDINATOR)
                                    for user, council in zip(coordinators, councils, strict=True)])
    for user in user_model.objects.all().only("pk", "username"):
        user_model.objects.filter(pk=user.pk).update(email=f"{user.username}@bench.invalid")
    officers = user_model.objects.filter(username__startswith="officer-").order_by("username")
    NotificationPreference.objects.bulk_create([
        NotificationPreference(user=officer, kind=kind, delivery=Delivery.DIGEST)
        for index, officer in enumerate(officers) if index % 2 for kind in Kind.values])


def main() -> None:
    from bench.common import arguments, setup_django, whole_number

    parser = arguments(__doc__, database_url="sqlite:////tmp/peertrack-bench-notifications.sqlite3", runs=1)
    parser.add_argument("--councils", type=whole_number, default=350)
    parser.add_argument("--days", type=whole_number, default=7)
    args = parser.parse_args()
    # The database queue and one worker, as in production; email kept in memory.
    os.environ.pop("PEERTRACK_TASKS_IMMEDIATE", None)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(args.database_url)

    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    from bench.dashboards import build_national_dataset
    from notifications.models import Notification, OutgoingEmail

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    started = time.perf_counter()
    build_national_dataset(councils=args.councils)
    add_people()
    print(f"Built {args.councils} councils in {time.perf_counter() - started:.0f} s on {connection.vendor}.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    print(f"\nOne worker, {connection.vendor}, week from {MONDAY:%A %-d %B %Y}:")
    print(f"{'day':12} {'enqueue s':>9} {'work s':>8} {'made':>7} {'emails':>7} {'queries':>8} "
          f"{'q/notif':>8} {'q/council':>9} {'ms/notif':>9} {'ms/council':>11}")
    totals = {"enqueue": 0.0, "work": 0.0, "made": 0, "emails": 0, "queries": 0}
    for offset in range(args.days):
        day = MONDAY + dt.timedelta(days=offset)
        made_before, emails_before = Notification.objects.count(), OutgoingEmail.objects.count()
        began = time.perf_counter()
        call_command("send_notifications", "--today", day.isoformat(), stdout=open(os.devnull, "w"))  # noqa: SIM115
        enqueued = time.perf_counter() - began
        counter = QueryCounter()
        began = time.perf_counter()
        with connection.execute_wrapper(counter):
            # Verbosity 0: the worker logs two lines a task otherwise.
            call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
        worked = time.perf_counter() - began
        made = Notification.objects.count() - made_before
        emails = OutgoingEmail.objects.count() - emails_before
        per_notification = counter.count / made if made else float("nan")
        ms_per = worked * 1000 / made if made else float("nan")
        print(f"{day:%a %d %b}   {enqueued:9.2f} {worked:8.2f} {made:7d} {emails:7d} {counter.count:8d} "
              f"{per_notification:8.1f} {counter.count / args.councils:9.1f} {ms_per:9.2f} "
              f"{worked * 1000 / args.councils:11.1f}")
        for key, value in (("enqueue", enqueued), ("work", worked), ("made", made), ("emails", emails),
                           ("queries", counter.count)):
            totals[key] += value
    made, work = int(totals["made"]), totals["work"]
    print(f"{'week':12} {totals['enqueue']:9.2f} {work:8.2f} {made:7d} {int(totals['emails']):7d} "
          f"{int(totals['queries']):8d} {totals['queries'] / max(made, 1):8.1f} "
          f"{totals['queries'] / (args.councils * args.days):9.1f} {work * 1000 / max(made, 1):9.2f} "
          f"{work * 1000 / (args.councils * args.days):11.1f}")
    print(f"\nEmails in the in-memory outbox: {len(getattr(mail, 'outbox', []))}; "
          f"work / enqueue time: {work / max(totals['enqueue'], 1e-9):.0f} x")


if __name__ == "__main__":
    main()
