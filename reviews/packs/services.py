"""Issuing a committee pack: snapshot the plan, render the PDF and the .docx, hash them, store them,
record them; previews, withdrawals and replacements (ADRs 0007, 0023)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from recommendations.models import PeerChallenge
from reviews.models import CommitteeReport, IssuedPack, PackJob, PackWithdrawal, WordTemplate
from reviews.packs.pdf import render_pdf
from reviews.packs.snapshot import build_snapshot
from reviews.packs.word import render_docx


class PackRenderingError(Exception):
    """The pack could not be rendered; nothing was issued."""


class PackAlreadyWithdrawn(Exception):
    """The pack was already withdrawn or replaced (perhaps by someone else a moment ago)."""


class PackAlreadyIssued(Exception):
    """The report was issued by someone else (or a second click) while this issue waited.

    `pack` is the report's newest pack, the one that was issued instead; the message
    says so in plain English.
    """

    def __init__(self, pack: IssuedPack) -> None:
        who = (pack.issued_by.get_full_name() or pack.issued_by.get_username()) if pack.issued_by else "someone"
        super().__init__(
            f"Pack {pack.sequence} was issued from this report by {who} at "
            f"{timezone.localtime(pack.issued_at):%H:%M} while you were confirming, "
            "so no second pack was made."
        )
        self.pack = pack


def council_template(challenge: PeerChallenge) -> bytes | None:
    """Returns the council's uploaded Word template, or None to use the built-in one."""
    template = WordTemplate.objects.filter(council_id=challenge.council_id).first()
    if template is None:
        return None
    try:
        with template.file.open("rb") as stored:
            return stored.read()
    except OSError:
        return None


@transaction.atomic
def issue_pack(
    *,
    report: CommitteeReport,
    by: Any,
    today: dt.date | None = None,
    packs_seen: int | None = None,
    replaces: IssuedPack | None = None,
    reason: str = "",
) -> IssuedPack:
    """Issues `report` as a new, immutable pack and returns it.

    Inside one transaction: locks the report, and re-checks that it has no more packs
    than the `packs_seen` the coordinator saw when they chose to issue it, so two
    "Issue" clicks at once make one pack (PackAlreadyIssued for the other; None skips
    the check, for a deliberate re-issue). Then locks the challenge so two reports
    issued at once get consecutive numbers, builds the snapshot (the plan as at the
    report's "figures as at" date, or today), renders the PDF and the .docx once, stores both
    under MEDIA_ROOT with their SHA-256 and records the pack. With `replaces` the new pack
    supersedes that one, for `reason` (PackAlreadyWithdrawn if it already was). If recording
    fails the stored files are removed again.
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
    if replaces is not None:
        if replaces.challenge_id != challenge.pk:
            raise ValueError("A pack can only replace a pack of the same challenge.")
        if PackWithdrawal.objects.filter(pack=replaces).exists():
            raise PackAlreadyWithdrawn(f"Pack {replaces.sequence} has already been withdrawn or replaced.")
    today = today or timezone.localdate()
    last = IssuedPack.objects.filter(challenge=challenge).order_by("-sequence").first()
    sequence = (last.sequence if last else 0) + 1
    issued_at = timezone.now()

    snapshot = build_snapshot(report=report, as_of=report.figures_as_of, today=today)
    snapshot["issued"] = {
        "sequence": sequence,
        "issued_on": timezone.localtime(issued_at).date().isoformat(),
        "issued_by": (by.get_full_name() or by.get_username()) if by else "",
        "supersedes": {"sequence": replaces.sequence, "reason": reason} if replaces is not None else None,
    }
    rendered = render_pdf(snapshot)
    word = render_docx(snapshot, template=council_template(challenge))
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
        docx_sha256=hashlib.sha256(word).hexdigest(),
        docx_size=len(word),
        issued_at=issued_at,
        issued_by=by,
    )
    filename = f"{challenge.slug}-pack-{sequence}-{report.meeting_date:%Y-%m-%d}.pdf"
    pack.file.save(filename, ContentFile(rendered.pdf), save=False)
    try:
        pack.docx.save(filename.removesuffix(".pdf") + ".docx", ContentFile(word), save=False)
        pack.save()
        if replaces is not None:
            PackWithdrawal.objects.create(
                pack=replaces, replacement=pack, reason=reason, withdrawn_at=issued_at, withdrawn_by=by
            )
    except BaseException:
        pack.file.storage.delete(pack.file.name)
        if pack.docx:
            pack.docx.storage.delete(pack.docx.name)
        raise
    return pack


@transaction.atomic
def withdraw_pack(*, pack: IssuedPack, reason: str, by: Any) -> PackWithdrawal:
    """Marks `pack` withdrawn for `reason`; the pack and its files stay exactly as issued.

    Locks the pack's row so two withdrawals at once record one (PackAlreadyWithdrawn for the other).
    """
    IssuedPack.objects.select_for_update().filter(pk=pack.pk).first()
    if PackWithdrawal.objects.filter(pack=pack).exists():
        raise PackAlreadyWithdrawn(f"Pack {pack.sequence} has already been withdrawn or replaced.")
    return PackWithdrawal.objects.create(pack=pack, reason=reason, withdrawn_by=by)


def request_job(
    *,
    report: CommitteeReport,
    kind: str,
    by: Any,
    packs_seen: int | None = None,
    replaces: IssuedPack | None = None,
    reason: str = "",
) -> PackJob:
    """Records a preview or an issue of `report` and queues it for the worker; returns the job.

    The task is queued when the transaction commits (`enqueue_on_commit`), so the worker always
    finds the job row.
    """
    from peertrack.tasks import enqueue_on_commit
    from reviews.packs.tasks import run_pack_job

    with transaction.atomic():
        job = PackJob.objects.create(
            report=report, kind=kind, requested_by=by, packs_seen=packs_seen, replaces=replaces, replace_reason=reason
        )
        enqueue_on_commit(run_pack_job, job_id=job.pk, council_id=report.challenge.council_id)
    return job


def run_job(job: PackJob) -> PackJob:
    """Makes what `job` asks for and records the result on it: a watermarked preview PDF, or an
    issued pack. A failure is recorded with a plain message; nothing is issued."""
    claimed = PackJob.objects.filter(pk=job.pk, status=PackJob.Status.QUEUED).update(status=PackJob.Status.RUNNING)
    if not claimed:
        return PackJob.objects.get(pk=job.pk)  # another worker has it, or it already ran
    report = CommitteeReport.objects.select_related("challenge__council").get(pk=job.report_id)
    try:
        if job.kind == PackJob.Kind.PREVIEW:
            snapshot = preview_snapshot(report=report)
            snapshot["draft"] = True
            rendered = render_pdf(snapshot, draft=True)
            if rendered.refused_urls:
                raise PackRenderingError("The pack asked for files that are not the project's own.")
            name = f"preview-{report.pk}-{job.pk}.pdf"
            job.preview.save(name, ContentFile(rendered.pdf), save=False)
            PackJob.objects.filter(pk=job.pk).update(
                status=PackJob.Status.DONE,
                preview=job.preview.name,
                page_count=rendered.page_count,
                finished_at=timezone.now(),
            )
        else:
            by = job.requested_by
            pack = issue_pack(
                report=report, by=by, packs_seen=job.packs_seen, replaces=job.replaces, reason=job.replace_reason
            )
            PackJob.objects.filter(pk=job.pk).update(status=PackJob.Status.DONE, pack=pack, finished_at=timezone.now())
    except PackAlreadyIssued as already:
        PackJob.objects.filter(pk=job.pk).update(
            status=PackJob.Status.DONE, pack=already.pack, error=str(already), finished_at=timezone.now()
        )
    except PackAlreadyWithdrawn as withdrawn:
        PackJob.objects.filter(pk=job.pk).update(
            status=PackJob.Status.FAILED, error=str(withdrawn), finished_at=timezone.now()
        )
    except Exception:
        PackJob.objects.filter(pk=job.pk).update(
            status=PackJob.Status.FAILED,
            finished_at=timezone.now(),
            error="The pack could not be made, so nothing was issued. Try again; if it happens "
            "again, tell your administrator.",
        )
        raise
    return PackJob.objects.get(pk=job.pk)


def preview_snapshot(*, report: CommitteeReport) -> dict[str, Any]:
    """Returns the data the pack would be built from if `report` were issued now."""
    return build_snapshot(report=report, as_of=report.figures_as_of)


DEMO_MEETING_ITEM = "Peer Review Progress Update"


def issue_demo_packs() -> int:
    """Issues the demo's committee packs: one for each demo challenge's recorded "Peer Review Progress
    Update" meeting, as at the meeting's date, labelled as demo content. Idempotent: a meeting that
    already has its demo pack gets nothing more. Returns how many packs were issued."""
    from reviews.models import CommitteeMeeting, starter_report

    issued = 0
    meetings = CommitteeMeeting.objects.filter(item=DEMO_MEETING_ITEM, meeting_date__lte=timezone.localdate())
    for meeting in meetings.select_related("challenge__council").order_by("meeting_date", "pk"):
        challenge = meeting.challenge
        existing = CommitteeReport.objects.filter(
            challenge=challenge, committee=meeting.committee, meeting_date=meeting.meeting_date, is_demo=True
        ).first()
        if existing is not None and existing.packs.exists():
            continue
        author = challenge.council.memberships.filter(role="coordinator").select_related("user").order_by("pk").first()
        by = author.user if author else None
        report = existing or starter_report(challenge=challenge, author=by, today=meeting.meeting_date)
        report.committee, report.meeting_date = meeting.committee, meeting.meeting_date
        report.subject = f"{meeting.item} (demo)"
        report.figures_as_of = meeting.meeting_date
        report.is_demo = True
        report.purpose = (
            "Demo content: this report was written by peertrack's demo loader, not by the council. " + report.purpose
        )
        report.created_by = by
        report.save()
        issue_pack(report=report, by=by, today=meeting.meeting_date)
        issued += 1
    return issued
