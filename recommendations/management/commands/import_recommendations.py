"""`manage.py import_recommendations --challenge <slug> FILE [--dry-run]`.

Reads the "Key recommendations" section of a feedback report from FILE (or "-" for
standard input) with the same parser as the web page, prints what it found and
what it would change, and saves it unless --dry-run is given.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.imports import apply_recommendations, plan_recommendations
from recommendations.models import PeerChallenge
from recommendations.parsing import RecommendationParseError, parse_recommendations


class Command(BaseCommand):
    help = "Parses a feedback report's key recommendations from a text file into a challenge."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--challenge", required=True, help="The challenge's slug.")
        parser.add_argument("file", help='A text file holding the section, or "-" for stdin.')
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be saved, and save nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            challenge = PeerChallenge.objects.get(slug=options["challenge"])
        except PeerChallenge.DoesNotExist:
            raise CommandError(f"There is no challenge {options['challenge']!r}.") from None
        text = self._read(options["file"])
        try:
            result = parse_recommendations(text)
        except RecommendationParseError as error:
            raise CommandError(str(error)) from None
        for warning in result.warnings:
            self.stderr.write(f"Note: {warning}")
        outcomes = plan_recommendations(challenge=challenge, recommendations=result.recommendations)
        for recommendation, outcome in zip(result.recommendations, outcomes, strict=True):
            what = {"new": "new", "changed": "changes " + ", ".join(outcome.changes),
                    "unchanged": "unchanged"}[outcome.kind]
            points = f" ({len(recommendation.sub_points)} sub-points)" if recommendation.sub_points else ""
            self.stdout.write(f"{recommendation.number}. {recommendation.title}{points} [{what}]")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
            return
        apply_recommendations(challenge=challenge, recommendations=result.recommendations)
        created = sum(1 for outcome in outcomes if outcome.kind == "new")
        changed = sum(1 for outcome in outcomes if outcome.kind == "changed")
        self.stdout.write(self.style.SUCCESS(
            f"Saved to {challenge.slug}: {created} added, {changed} updated, "
            f"{len(outcomes) - created - changed} unchanged."
        ))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{name} could not be read: {error.strerror}.") from None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise CommandError(f"{name} is not a text file peertrack can read.")
