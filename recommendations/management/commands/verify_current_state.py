"""Checks every action's kept current state against a full recomputation over its updates.

The kept columns (`Action.KEPT_FIELDS`, ADR 0026) are written in the transaction that appends an
update; a row written around the model (a raw bulk insert, a restore from elsewhere) could leave
them behind. Exits 1 when any differ, naming them; `--fix` rewrites those actions' columns.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.models import Action


class Command(BaseCommand):
    help = "Checks (and with --fix rewrites) each action's kept current state against its updates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Rewrite the kept columns that differ.")

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = Action.objects.all().current_state_mismatches()
        total = Action.objects.count()
        if not wrong:
            self.stdout.write(f"All {total} actions' kept current state matches their updates.")
            return
        for pk, fields in sorted(wrong.items())[:20]:
            described = "; ".join(f"{name} kept {kept!r}, recomputed {new!r}" for name, (kept, new) in fields.items())
            self.stdout.write(f"Action {pk}: {described}")
        if options["fix"]:
            fixed = Action.objects.filter(pk__in=list(wrong)).keep_current_state()
            self.stdout.write(f"Rewrote the kept current state of {fixed} of {total} actions.")
            return
        raise CommandError(
            f"{len(wrong)} of {total} actions' kept current state differs from their updates; "
            "run with --fix to rewrite it."
        )
