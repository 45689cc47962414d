"""Issuing a committee pack: snapshot the plan, render the PDF, hash it, store it, record it."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from recommendations.models import PeerChallenge
from reviews.models import CommitteeReport, IssuedPack
from reviews.packs.pdf import render_pdf
from reviews.packs.snapshot import build_snapshot


class PackRenderingError(Exception):
    """The pack could not be rendered; nothing was issued."""


class PackAlreadyIssued(Exception):
    """The report was issued by someone else (or a second click) while this issue waited.

    `pack` is the report's newest pack, the one that was issued instead; the message
    says so in plain English.
    """

    def __init__(self, pack: IssuedPack) -> None:
        who = (pack.issued_by.get_full_name() or pack.issued_by.get_username()) if pack.issued_by else "someone"
        super().__init__(f"Pack {pack.sequence} was issued from this report by {who} at "
                         f"{timezone.localtime(pack.issued_at):%H:%M} while you were confirming, "
                         "so no second pack was made.")
        self.pack = pack


@transaction.atomic
def issue_pack(*, report: CommitteeReport, by: Any, today: dt.date | None = None,
               packs_seen: int | None = None) -> IssuedPack:
    """Issues `report` as a new, immutable pack and returns it.

    Inside one transaction: locks the report, and re-checks that it has no more packs
    than the `packs_seen` the coordinator saw when they chose to issue it, so two
    "Issue" clicks at once make one pack (PackAlreadyIssued for the other; None skips
    the check, for a deliberate re-issue). Then locks the challenge so two reports
    issued at once get consecutive numbers, builds the snapshot (the plan as at the
    report's "figures as at" date, or today), renders the PDF once, stores it under
    MEDIA_ROOT with its SHA-256 and records the pack. If recording fails the stored
    file is removed again.
    """
    # The second of two simultaneous issues waits here until the first has committed,
    # then counts the first one's pack.
    CommitteeReport.objects.select_for_update().filter(pk=report.pk).first()
    if packs_seen is not None:
        newest = IssuedPack.objects.filter(report=report).defer("snapshot").order_by("-sequence")
        if newest.count() > packs_seen:
            raise PackAlreadyIssued(newest.select_related("issued_by", "challenge")[0])
    challenge = PeerChallenge.objects.select_for_update().get(pk=report.challenge_id)
    report.challenge = challenge
    today = today or timezone.localdate()
    last = IssuedPack.objects.filter(challenge=challenge).order_by("-sequence").first()
    sequence = (last.sequence if last else 0) + 1
    issued_at = timezone.now()

    snapshot = build_snapshot(report=report, as_of=report.figures_as_of, today=today)
    snapshot["issued"] = {
        "sequence": sequence,
        "issued_on": timezone.localtime(issued_at).date().isoformat(),
        "issued_by": (by.get_full_name() or by.get_username()) if by else "",
    }
    rendered = render_pdf(snapshot)
    if rendered.refused_urls:
        # A refused URL means the template asked for something outside static files:
        # a pack with a missing font or image must not become the public record.
        raise PackRenderingError("The pack asked for files that are not the project's own.")

    pack = IssuedPack(
        report=report,
        challenge=challenge,
        sequence=sequence,
        committee=report.committee,
        meeting_date=report.meeting_date,
        subject=report.subject,
        as_of=dt.date.fromisoformat(snapshot["as_of"]),
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        page_count=rendered.page_count,
        snapshot=snapshot,
        issued_at=issued_at,
        issued_by=by,
    )
    filename = f"{challenge.slug}-pack-{sequence}-{report.meeting_date:%Y-%m-%d}.pdf"
    pack.file.save(filename, ContentFile(rendered.pdf), save=False)
    try:
        pack.save()
    except BaseException:
        pack.file.storage.delete(pack.file.name)
        raise
    return pack


def preview_snapshot(*, report: CommitteeReport) -> dict[str, Any]:
    """Returns the data the pack would be built from if `report` were issued now."""
    return build_snapshot(report=report, as_of=report.figures_as_of)
