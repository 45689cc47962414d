"""python manage.py load_demo: Coventry's two peer challenges and a second demo council."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from peertrack.absolute_urls import configured_origin
from recommendations.demo import DemoDataError, load_demo

# The day the demo's story ends: the LGA progress review of the 2024 challenge.
DEMO_STORY_ENDS = "2024-11-22"


def where_to_start(origin: str) -> str:
    """Returns what the demo data covers, why "today" shows it overdue, and the pages to open first."""
    return "\n".join(
        [
            "Where to start:",
            "  The demo is Coventry City Council's 2024 peer challenge (on site 15-18 January 2024), its",
            "  action plan and progress updates up to the LGA progress review of 22 November 2024, and the",
            "  2018 challenge (archived: read-only). No progress was recorded after November 2024, so pages",
            "  that show the plan as it is today list most open actions as overdue or without an update:",
            "  that is the demo's age, not the council's record. Dashboards can show any earlier day.",
            f"  The plan at the progress review (sign in as scrutiny): "
            f"{origin}/challenges/coventry-2024/dashboard/?as_of={DEMO_STORY_ENDS}",
            f"  An officer's actions today (sign in as officer): {origin}/my-actions/",
            f"  Needs your attention (sign in as coordinator): {origin}/inbox/",
        ]
    )


class Command(BaseCommand):
    help = (
        "Loads the demo data in fixtures/ (idempotent: running it again changes nothing). "
        "Demo logins with known passwords are created only when DEBUG is on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Load the data but give every demo user an unusable password "
            "(required when DEBUG is off).",
        )

    def handle(self, *args: Any, no_logins: bool, **options: Any) -> None:
        if not settings.DEBUG and not no_logins:
            raise CommandError(
                "DEBUG is off, so this looks like a production database: load_demo will not "
                "create users with known passwords. Run it with DJANGO_DEBUG=1 for a demo, or "
                "add --no-logins to load the data with unusable passwords."
            )
        try:
            report = load_demo(with_logins=not no_logins, with_pack=True)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        if report.touched == 0:
            self.stdout.write("The demo data is already loaded; nothing changed.")
        else:
            for name, count in sorted(report.created.items()):
                self.stdout.write(f"Created {count} {name}.")
            for name, count in sorted(report.changed.items()):
                self.stdout.write(f"Brought {count} {name} up to date.")
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for username, password, role, council in report.logins:
            self.stdout.write(f"  {username:<14} {password:<24} {role}, {council}")
        self.stdout.write("")
        self.stdout.write(where_to_start(configured_origin() or "http://127.0.0.1:8000"))
