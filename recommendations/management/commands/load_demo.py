"""python manage.py load_demo: Coventry's two peer challenges and a second demo council."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.demo import DemoDataError, load_demo


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
            report = load_demo(with_logins=not no_logins)
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
