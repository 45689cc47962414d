"""What happens after the plan is written: committee meetings and the progress review."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from recommendations.models import Action, PeerChallenge, PeerTeamMember, Recommendation, WrittenOnce


class CommitteeMeeting(models.Model):
    """A meeting where the challenge or its action plan is on the agenda."""

    challenge = models.ForeignKey(
        PeerChallenge, on_delete=models.CASCADE, related_name="committee_meetings"
    )
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    item = models.CharField("agenda item", max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "meeting_date", "committee"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "committee", "meeting_date"], name="meeting_recorded_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee}, {self.meeting_date:%-d %B %Y}"


def months_after(day: dt.date, months: int) -> dt.date:
    """Returns the same day `months` calendar months later, clamped to the month's last day.

    31 August plus 10 months is 30 June: the LGA counts in calendar months.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:  # a date stored before years were bounded (issue 12): no overflow
        return dt.date.max
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class ProgressReview(models.Model):
    """The peers' return visit, about ten months after the challenge.

    The LGA's guidance: the progress review takes place "approximately ten months
    after the CPC" and its report is published at the latest 12 months after it.
    """

    SUGGESTED_MONTHS = 10
    REPORT_DEADLINE_MONTHS = 12

    class DeadlineStatus(models.TextChoices):
        MET = "met", "Met"
        DUE = "due", "Due"
        MISSED = "missed", "Missed"

    class StatementStatus(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    challenge = models.ForeignKey(
        PeerChallenge, on_delete=models.CASCADE, related_name="progress_reviews"
    )
    review_date = models.DateField()
    report_published_on = models.DateField(null=True, blank=True)
    returning_peers: models.ManyToManyField[PeerTeamMember, ReturningPeer] = models.ManyToManyField(
        PeerTeamMember, through="ReturningPeer", related_name="reviews", blank=True
    )
    overall_feedback = models.TextField("the peers' overall feedback", blank=True)
    final_thoughts = models.TextField(blank=True)
    statement_introduction = models.TextField("position statement introduction", blank=True)
    statement_status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    statement_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement_approved_at = models.DateTimeField(null=True, blank=True)
    statement_is_demo = models.BooleanField(default=False)
    statement_as_approved = models.JSONField(
        "position statement as approved", null=True, blank=True, encoder=DjangoJSONEncoder,
        help_text="The introduction, paragraphs and evidence frozen when a coordinator approved them.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "review_date"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "review_date"], name="one_review_a_day"),
            models.CheckConstraint(
                condition=Q(statement_status__in=["draft", "approved"]),
                name="review_statement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(statement_status="draft") | Q(statement_approved_at__isnull=False),
                name="review_approval_recorded",
            ),
            models.CheckConstraint(
                condition=Q(statement_status="draft") | Q(statement_as_approved__isnull=False),
                name="review_approved_statement_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress review, {self.review_date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("review_detail", args=[self.challenge.slug, self.pk])

    def clean(self) -> None:
        if self.review_date and self.challenge_id and self.review_date <= self.challenge.onsite_end:
            raise ValidationError(
                {"review_date": "The progress review must be after the last day on site."}
            )

    @staticmethod
    def suggested_date(challenge: PeerChallenge) -> dt.date:
        """Returns the date the LGA suggests: 10 calendar months after the last day on site."""
        return months_after(challenge.onsite_end, ProgressReview.SUGGESTED_MONTHS)

    @property
    def report_deadline(self) -> dt.date:
        """Returns the LGA's latest date for publishing the report: 12 months after the challenge."""
        return months_after(self.challenge.onsite_end, self.REPORT_DEADLINE_MONTHS)

    def report_deadline_status(self, today: dt.date | None = None) -> str:
        """Returns met (published by the deadline), due (not yet, still time) or missed."""
        published = self.report_published_on
        if published is not None:
            return self.DeadlineStatus.MET if published <= self.report_deadline else self.DeadlineStatus.MISSED
        if (today or timezone.localdate()) <= self.report_deadline:
            return self.DeadlineStatus.DUE
        return self.DeadlineStatus.MISSED

    @property
    def is_statement_approved(self) -> bool:
        return self.statement_status == self.StatementStatus.APPROVED

    @property
    def statement_date(self) -> dt.date:
        """Returns the day the statement speaks for: its approval, or else the review date."""
        if self.statement_approved_at is not None:
            return timezone.localtime(self.statement_approved_at).date()
        return self.review_date


class ReturningPeer(models.Model):
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE)
    member = models.ForeignKey(PeerTeamMember, on_delete=models.PROTECT)
    role_at_review = models.CharField(
        max_length=300, blank=True, help_text="Their role as the review report gives it, if changed."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "member__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="peer_returns_once")
        ]

    def __str__(self) -> str:
        return self.role_at_review or str(self.member)


class ReviewTheme(models.Model):
    """A heading the returning peers wrote their feedback under, and the recommendations it covers."""

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    recommendations = models.ManyToManyField(Recommendation, related_name="review_themes")
    feedback = models.TextField("the peers' feedback", blank=True)
    mapping_note = models.TextField(blank=True)
    follow_up_actions = models.ManyToManyField(
        Action, blank=True, related_name="arising_from_review_themes",
        help_text="Actions the council added to the plan in answer to this theme's feedback.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "name"], name="review_theme_named_once")
        ]

    def __str__(self) -> str:
        return self.name


class PositionStatement(models.Model):
    """The council's self-assessment against one recommendation, for a progress review."""

    review = models.ForeignKey(
        ProgressReview, on_delete=models.CASCADE, related_name="position_statements"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="position_statements"
    )
    text = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "recommendation__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "recommendation"], name="one_statement_per_recommendation"
            )
        ]

    def __str__(self) -> str:
        return f"Position on {self.recommendation}"


class StatementEvidence(models.Model):
    """A link to an evidence document sent with the position statement.

    Only a link is kept: the documents live on the council's own site or file store.
    """

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="evidence")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="Leave empty for evidence about the statement as a whole.",
    )
    title = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "added_at", "pk"]
        verbose_name_plural = "statement evidence"

    def __str__(self) -> str:
        return self.title


class CommitteeReport(models.Model):
    """A coordinator's progress report to a committee: the text sections of a review pack.

    A report is a working draft. Issuing it (`reviews.packs.services.issue_pack`) freezes an
    `IssuedPack`; the draft stays editable so the next meeting's pack can start from it,
    and whatever is edited later never reaches a pack already issued.
    """

    challenge = models.ForeignKey(
        PeerChallenge, on_delete=models.PROTECT, related_name="committee_reports"
    )
    committee = models.CharField(
        max_length=200, help_text="For example Scrutiny Co-ordination Committee, Cabinet or Council."
    )
    meeting_date = models.DateField()
    subject = models.CharField(max_length=300)
    author_name = models.CharField("report author", max_length=200)
    author_job_title = models.CharField("author's job title", max_length=200, blank=True)
    author_service_area = models.CharField(
        "author's directorate or service area", max_length=200, blank=True
    )
    author_contact = models.CharField(
        "telephone and email contact", max_length=300, blank=True
    )
    purpose = models.TextField("purpose of the report")
    recommendations_to_committee = models.TextField(
        "recommendations to the committee",
        help_text="One recommendation a line; each is numbered in the pack.",
    )
    key_risks = models.TextField()
    next_steps = models.TextField()
    figures_as_of = models.DateField(
        "figures as at",
        null=True,
        blank=True,
        help_text="Leave empty to report the plan as it stands on the day the pack is issued.",
    )
    # The short report (ADR 0023): the coordinator's summary per recommendation, keyed by the
    # recommendation's number as text, and the actions they chose as key risks (action ids).
    recommendation_summaries = models.JSONField(default=dict, blank=True)
    chosen_risks = models.JSONField(default=list, blank=True)
    include_position_statement = models.BooleanField(
        "include the position statement as an appendix", default=False
    )
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "-meeting_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.committee}, {self.meeting_date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("committee_report", args=[self.challenge.slug, self.pk])

    def committee_recommendations(self) -> list[str]:
        """Returns the recommendations to the committee, one per non-empty line."""
        return [line.strip() for line in self.recommendations_to_committee.splitlines() if line.strip()]


class IssuedPackQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> IssuedPackQuerySet:
        """Returns the packs of the challenges `user` may see."""
        return self.filter(challenge__in=PeerChallenge.objects.visible_to(user))

    def update(self, **kwargs: Any) -> int:
        raise TypeError("An issued pack is a public record and never changes.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("An issued pack is a public record and is never deleted.")


def _pack_path(pack: IssuedPack, filename: str) -> str:
    return f"packs/{pack.challenge.slug}/{filename}"


class IssuedPack(WrittenOnce):
    """A committee pack exactly as it was issued: the PDF, its SHA-256 and the data it was built from.

    Never changed and never deleted: `save()` refuses an existing row, `delete()`
    refuses always, and the queryset refuses bulk changes. A new issue is a new pack.
    """

    # A pack that went to a committee is a public record: it is written once.
    changed_message = "An issued pack is a public record and never changes."
    deleted_message = "An issued pack is a public record and is never deleted."

    report = models.ForeignKey(CommitteeReport, on_delete=models.PROTECT, related_name="packs")
    challenge = models.ForeignKey(PeerChallenge, on_delete=models.PROTECT, related_name="packs")
    sequence = models.PositiveIntegerField(help_text="1 for the challenge's first pack, and so on.")
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    subject = models.CharField(max_length=300)
    as_of = models.DateField("figures as at")
    file = models.FileField(upload_to=_pack_path, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("size in bytes")
    page_count = models.PositiveIntegerField()
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    # The covering report as Word, frozen beside the PDF (packs issued before Word have none).
    docx = models.FileField(upload_to=_pack_path, max_length=300, blank=True)
    docx_sha256 = models.CharField("Word SHA-256", max_length=64, blank=True)
    docx_size = models.PositiveIntegerField("Word size in bytes", default=0)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # The snapshot is the pack's own record; history need not hold a second copy.
    history = HistoricalRecords(excluded_fields=["snapshot"])
    objects = IssuedPackQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "sequence"], name="pack_numbered_once"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="pack_sequence_positive"),
        ]

    def __str__(self) -> str:
        return f"Pack {self.sequence}: {self.committee}, {self.meeting_date:%-d %B %Y}"

    def get_download_url(self) -> str:
        return reverse("pack_download", args=[self.challenge.slug, self.sequence])

    def get_docx_download_url(self) -> str:
        return reverse("pack_download_docx", args=[self.challenge.slug, self.sequence])

    @property
    def filename(self) -> str:
        """Returns the name a downloaded copy is saved under."""
        return f"{self.challenge.slug}-pack-{self.sequence}-{self.meeting_date:%Y-%m-%d}.pdf"

    @property
    def docx_filename(self) -> str:
        return self.filename.removesuffix(".pdf") + ".docx"

    @property
    def withdrawal_or_none(self) -> PackWithdrawal | None:
        """Returns the record of this pack's withdrawal or replacement, if it has one."""
        try:
            return self.withdrawal
        except PackWithdrawal.DoesNotExist:
            return None

    def read_verified(self, *, word: bool = False) -> bytes:
        """Returns the stored PDF (or Word file), raising PackIntegrityError unless its SHA-256 is
        the recorded one."""
        stored_file, recorded = (self.docx, self.docx_sha256) if word else (self.file, self.sha256)
        if not stored_file:
            raise PackIntegrityError("This pack was issued before packs had a Word version.")
        try:
            with stored_file.open("rb") as stored:
                content = stored.read()
        except OSError as error:
            raise PackIntegrityError("The stored file of this pack cannot be found.") from error
        if hashlib.sha256(content).hexdigest() != recorded:
            raise PackIntegrityError(
                "The stored file of this pack no longer matches the SHA-256 recorded when it "
                "was issued, so it may have been changed."
            )
        return content


class PackIntegrityError(Exception):
    """The stored file of an issued pack is missing or differs from what was issued."""


class PackWithdrawal(models.Model):
    """A pack withdrawn, or superseded by a replacement, with the reason. The pack itself never
    changes and stays downloadable: this record is what marks it withdrawn (ADR 0023).

    Written once: a pack is withdrawn at most once and the record is never edited.
    """

    pack = models.OneToOneField(IssuedPack, on_delete=models.PROTECT, related_name="withdrawal")
    replacement = models.OneToOneField(
        IssuedPack, on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes",
        help_text="The pack issued in its place, if any.",
    )
    reason = models.TextField()
    withdrawn_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-withdrawn_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(pack=models.F("replacement")), name="pack_not_its_own_replacement"),
        ]

    def __str__(self) -> str:
        if self.replacement is not None:
            return f"Pack {self.pack.sequence} superseded by pack {self.replacement.sequence}"
        return f"Pack {self.pack.sequence} withdrawn"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("A withdrawal is part of the public record and never changes.")
        super().save(*args, **kwargs)


def _job_path(job: PackJob, filename: str) -> str:
    return f"pack-previews/{job.report.challenge.slug}/{filename}"


class PackJob(models.Model):
    """A preview or an issue of a report, rendered by the task queue (`reviews.packs.tasks`).

    The page that asked for it polls this row: queued, then running, then done (a preview PDF
    watermarked DRAFT, or the issued pack) or failed with a message and a retry.
    """

    class Kind(models.TextChoices):
        PREVIEW = "preview", "Preview"
        ISSUE = "issue", "Issue"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(CommitteeReport, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    packs_seen = models.PositiveIntegerField(null=True, blank=True)
    replaces = models.ForeignKey(
        IssuedPack, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The pack an issue supersedes, if any.",
    )
    replace_reason = models.TextField(blank=True)
    preview = models.FileField(upload_to=_job_path, max_length=300, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    pack = models.ForeignKey(IssuedPack, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["preview", "issue"]), name="pack_job_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="pack_job_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.report} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("pack_job", args=[self.report.challenge.slug, self.report_id, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


def _template_path(template: WordTemplate, filename: str) -> str:
    return f"word-templates/{template.council.slug}/{filename}"


class WordTemplate(models.Model):
    """A council's own Word template: the covering report is written with its styles."""

    council = models.OneToOneField(
        "recommendations.Council", on_delete=models.CASCADE, related_name="word_template"
    )
    file = models.FileField(upload_to=_template_path, max_length=300)
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Word template of {self.council}: {self.original_name}"


def starter_report(*, challenge: PeerChallenge, author: Any | None = None,
                   today: dt.date | None = None) -> CommitteeReport:
    """Returns an unsaved report for `challenge` with the wording committees already know.

    The committee and date come from the challenge's next recorded meeting, the author
    from the user and their job title; the text follows Coventry's own progress notes
    (purpose, recommendations to the committee, key risks, next steps), for the
    coordinator to edit.
    """
    today = today or timezone.localdate()
    meeting = challenge.committee_meetings.filter(meeting_date__gte=today).order_by("meeting_date").first()
    committee = meeting.committee if meeting else "Scrutiny Co-ordination Committee"
    year = challenge.onsite_start.year
    kind = challenge.get_kind_display()
    job_title = directorate = ""
    name = ""
    if author is not None:
        name = author.get_full_name() or author.get_username()
        membership = author.memberships.filter(council=challenge.council_id).first()
        job_title = membership.job_title if membership else ""
        # The author's directorate, from their profile (their membership of the council).
        directorate = membership.directorate if membership else ""
    return CommitteeReport(
        challenge=challenge,
        committee=committee,
        meeting_date=meeting.meeting_date if meeting else today,
        subject=f"Local Government Association (LGA) {kind} {year} – Progress Report",
        author_name=name,
        author_job_title=job_title,
        author_service_area=directorate,
        author_contact=(author.email if author is not None and author.email else ""),
        purpose=(
            f"This briefing note outlines progress made against the recommendations arising "
            f"from the Council's {kind} that took place from "
            f"{challenge.onsite_start:%-d %B} to {challenge.onsite_end:%-d %B %Y}.\n\n"
            f"{committee} asked that delivery of the actions in response to the Peer Team's "
            f"recommendations be monitored, as well as through the Council's own programme "
            f"governance."
        ),
        recommendations_to_committee=(
            "Note the progress made and areas still to be addressed in response to the "
            "recommendations in the peer challenge feedback report.\n"
            "Provide any feedback on content for consideration in the progression of "
            "improvement activity."
        ),
        key_risks=(
            "Good progress has been made in many areas, but it is important that the action "
            "plan continues to be delivered so that the improvements the Peer Team identified "
            "are achieved."
        ),
        next_steps=(
            "Progress will continue to be monitored and reported to the committee at regular "
            "intervals."
        ),
    )
