"""`manage.py export_pack --challenge SLUG --out FILE [--as-of YYYY-MM-DD] [--report ID]`."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from peertrack import inputs
from recommendations.models import PeerChallenge
from reviews.models import CommitteeReport, starter_report
from reviews.packs.pdf import render_pdf
from reviews.packs.snapshot import build_snapshot


def _date(value: str) -> dt.date:
    return inputs.command_date(value, option="--as-of")


class Command(BaseCommand):
    help = (
        "Renders a committee pack PDF for a challenge, as the app would issue it, without "
        "issuing it. With --as-of, the plan as it stood at the end of that day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--challenge", required=True, help="The challenge's slug.")
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")
        parser.add_argument("--as-of", type=_date, default=None,
                            help="Rebuild the plan as it stood on this date (YYYY-MM-DD).")
        parser.add_argument("--report", type=int, default=None,
                            help="The committee report whose text to use; by default the "
                                 "challenge's latest, or the usual wording if it has none.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            challenge = PeerChallenge.objects.select_related("council").get(slug=options["challenge"])
        except PeerChallenge.DoesNotExist:
            raise CommandError(f"There is no challenge {options['challenge']!r}.") from None
        as_of: dt.date | None = options["as_of"]
        if as_of is not None and as_of > timezone.localdate():
            raise CommandError("--as-of cannot be in the future.")

        reports = CommitteeReport.objects.filter(challenge=challenge)
        if options["report"] is not None:
            report = reports.filter(pk=options["report"]).first()
            if report is None:
                raise CommandError(f"Challenge {challenge.slug} has no report {options['report']}.")
        else:
            report = reports.order_by("-updated_at", "-pk").first() or starter_report(
                challenge=challenge, today=as_of
            )
        report.challenge = challenge

        snapshot = build_snapshot(report=report, as_of=as_of or report.figures_as_of)
        rendered = render_pdf(snapshot)
        out: Path = options["out"]
        try:
            out.write_bytes(rendered.pdf)
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}.") from None
        counts = ", ".join(f"{c['label']} {c['count']}" for c in snapshot["rag_counts"])
        self.stdout.write(
            f"Wrote {out} ({rendered.page_count} pages, {len(rendered.pdf)} bytes, SHA-256 "
            f"{hashlib.sha256(rendered.pdf).hexdigest()}). Figures as at {snapshot['as_of']}: "
            f"{counts}."
        )
