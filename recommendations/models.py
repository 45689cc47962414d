"""The challenge and its action plan: councils, challenges, recommendations, actions, updates.

See docs/ARCHITECTURE.md for how these fit together and ../shared/DOMAIN.md for
the domain they model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from recommendations.periods import ReportingPeriod
from recommendations.querysets import (
    ActionQuerySet,
    CouncilQuerySet,
    MembershipQuerySet,
    PeerChallengeQuerySet,
    ProgressUpdateQuerySet,
    RecommendationQuerySet,
)
from recommendations.rag import Rag


def _in_choices(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Council(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    history = HistoricalRecords()
    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    OFFICER = "officer", "Officer"
    COORDINATOR = "coordinator", "Coordinator"
    SCRUTINY = "scrutiny", "Scrutiny member"
    ADMINISTRATOR = "administrator", "Administrator"


class Membership(models.Model):
    """A user's place in a council, with the role that decides what they may do there."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="Leave empty for access that does not expire."
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["council__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="one_membership_per_council"),
            _in_choices("role", MembershipRole, "membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.council}"

    @property
    def can_coordinate(self) -> bool:
        return self.role == self.Role.COORDINATOR


class ChallengeKind(models.TextChoices):
    CORPORATE = "corporate_peer_challenge", "Corporate Peer Challenge"
    FINANCE = "finance_peer_review", "Finance Peer Review"


class PeerChallenge(models.Model):
    """One LGA peer challenge of a council: the visit, its scope and the feedback report."""

    Kind = ChallengeKind

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="challenges")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.CORPORATE)
    onsite_start = models.DateField("first day on site")
    onsite_end = models.DateField("last day on site")
    feedback_report_date = models.DateField("feedback report received", null=True, blank=True)
    feedback_report_url = models.URLField("feedback report link", blank=True)
    action_plan_published_on = models.DateField(null=True, blank=True)
    people_spoken_to = models.PositiveIntegerField(null=True, blank=True)
    meetings_held = models.PositiveIntegerField(null=True, blank=True)
    hours_on_site = models.PositiveIntegerField(null=True, blank=True)
    figures_note = models.TextField(
        blank=True, help_text="The visit figures in the report's own words."
    )

    history = HistoricalRecords()
    objects = PeerChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["council__name", "-onsite_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_end__gte=F("onsite_start")), name="challenge_onsite_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(feedback_report_date__isnull=True)
                | Q(feedback_report_date__gte=F("onsite_end")),
                name="challenge_report_after_visit",
            ),
            _in_choices("kind", ChallengeKind, "challenge_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.council} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("challenge", args=[self.slug])

    def clean(self) -> None:
        if self.onsite_start and self.onsite_end and self.onsite_end < self.onsite_start:
            raise ValidationError({"onsite_end": "The last day on site cannot be before the first."})
        if self.feedback_report_date and self.onsite_end and self.feedback_report_date < self.onsite_end:
            raise ValidationError(
                {"feedback_report_date": "The feedback report cannot come before the visit ended."}
            )

    @property
    def core_components(self) -> models.QuerySet[Theme]:
        return self.themes.filter(kind=Theme.Kind.CORE_COMPONENT)

    @property
    def focus_areas(self) -> models.QuerySet[Theme]:
        return self.themes.filter(kind=Theme.Kind.FOCUS_AREA)


class PeerTeamMember(models.Model):
    challenge = models.ForeignKey(PeerChallenge, on_delete=models.CASCADE, related_name="peer_team")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="peer_named_once_per_challenge")
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role, self.organisation) if part)


class ThemeKind(models.TextChoices):
    CORE_COMPONENT = "core_component", "Core component"
    FOCUS_AREA = "focus_area", "Extra area of focus"


class Theme(models.Model):
    """A heading recommendations are grouped under: a core component or an extra focus area."""

    Kind = ThemeKind

    challenge = models.ForeignKey(PeerChallenge, on_delete=models.CASCADE, related_name="themes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="theme_named_once_per_challenge"),
            _in_choices("kind", ThemeKind, "theme_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ResponseChoice(models.TextChoices):
    NOT_RECORDED = "not_recorded", "Response not recorded"
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Recommendation(models.Model):
    """A numbered key recommendation of the peer team, with the council's response."""

    Response = ResponseChoice

    challenge = models.ForeignKey(
        PeerChallenge, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    sub_points = models.JSONField(default=list, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    response = models.CharField(
        "council's response", max_length=20, choices=Response.choices, default=Response.NOT_RECORDED
    )
    response_reasons = models.TextField(
        blank=True, help_text="Why the recommendation is only partly accepted or not accepted."
    )
    response_narrative = models.TextField("council's response narrative", blank=True)

    history = HistoricalRecords()
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "number"], name="recommendation_number_unique_in_challenge"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="recommendation_number_positive"),
            _in_choices("response", ResponseChoice, "recommendation_response_valid"),
            models.CheckConstraint(
                condition=~Q(response__in=["partly_accepted", "not_accepted"])
                | ~Q(response_reasons=""),
                name="recommendation_rejection_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("recommendation", args=[self.challenge.slug, self.number])

    def clean(self) -> None:
        if self.response in (self.Response.PARTLY_ACCEPTED, self.Response.NOT_ACCEPTED) and not (
            self.response_reasons.strip()
        ):
            raise ValidationError(
                {"response_reasons": "Give the council's reasons when a recommendation is "
                 "partly accepted or not accepted."}
            )
        if self.theme_id and self.challenge_id and self.theme.challenge_id != self.challenge_id:
            raise ValidationError({"theme": "Choose a theme of the same challenge."})


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"


class ActionOrigin(models.TextChoices):
    ACTION_PLAN = "action_plan", "Action plan"
    PROGRESS_REVIEW = "progress_review", "Arising from the progress review"


class Action(models.Model):
    """Something the council committed to do in answer to a recommendation."""

    Status = ActionStatus
    Origin = ActionOrigin

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.CharField(
        max_length=20, help_text='A short reference unique in the challenge, e.g. "3.2".'
    )
    description = models.TextField()
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    cabinet_member = models.CharField(max_length=200, blank=True)
    directorate = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.ACTION_PLAN)
    completion_reported_at = models.DateTimeField(null=True, blank=True)
    completion_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.TextField(blank=True, help_text="Where the action comes from, e.g. a quote.")
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo data.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "reference"], name="action_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_dates_in_order",
            ),
            _in_choices("status", ActionStatus, "action_status_valid"),
            _in_choices("origin", ActionOrigin, "action_origin_valid"),
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(signed_off_at__isnull=False),
                name="action_complete_is_signed_off",
            ),
        ]
        indexes = [models.Index(fields=["lead_officer", "due_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("action", args=[self.recommendation.challenge.slug, self.pk])

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date cannot be before the start date."})

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETE, self.Status.CLOSED)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return bool(self.is_open and self.due_date and self.due_date < (today or timezone.localdate()))

    def record_progress(
        self,
        *,
        rag: str,
        period: ReportingPeriod,
        narrative: str,
        by: Any,
        evidence: str = "",
        next_steps: str = "",
    ) -> ProgressUpdate:
        """Appends a progress update and moves a not-started action to in progress."""
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                action=self,
                rag=rag,
                period_year=period.year,
                period_quarter=period.quarter,
                narrative=narrative,
                evidence=evidence,
                next_steps=next_steps,
                author=by,
            )
            if self.status == self.Status.NOT_STARTED:
                self.status = self.Status.IN_PROGRESS
                self.save(update_fields=["status"])
        return update


class ProgressUpdate(models.Model):
    """An officer's report on an action for a reporting period. Never edited, never deleted."""

    NARRATIVE_MAX_LENGTH = 5000

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    period_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2024 for 2024/25."
    )
    period_quarter = models.PositiveSmallIntegerField()
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices)
    narrative = models.TextField("what has been done")
    evidence = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    source = models.TextField(blank=True, help_text="Where the update comes from, if imported.")
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo data.")

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            _in_choices("rag", Rag, "update_rag_valid"),
            models.CheckConstraint(
                condition=Q(period_quarter__gte=1, period_quarter__lte=4),
                name="update_quarter_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_year__gte=2000, period_year__lte=2100),
                name="update_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["action", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action.reference} {self.period}: {self.get_rag_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: a correction is a new update, so an existing row never changes.
        if not self._state.adding:
            raise TypeError("Progress updates are append-only: record a new update instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Progress updates are append-only and are never deleted.")

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod(self.period_year, self.period_quarter)
