"""What happens after the plan is written: committee meetings and the progress review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from recommendations.models import PeerChallenge, PeerTeamMember, Recommendation


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


class ProgressReview(models.Model):
    """The peers' return visit, about ten months after the challenge."""

    class StatementStatus(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    challenge = models.ForeignKey(
        PeerChallenge, on_delete=models.CASCADE, related_name="progress_reviews"
    )
    review_date = models.DateField()
    report_published_on = models.DateField(null=True, blank=True)
    returning_peers = models.ManyToManyField(
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
        ]

    def __str__(self) -> str:
        return f"Progress review, {self.review_date:%-d %B %Y}"


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
