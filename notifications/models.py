"""Notifications: what each person is told, how they choose to hear it, and what was emailed.

A `Notification` is made once: its key (recipient, kind, subject, occasion) is unique in the
database, so a task that runs again (a retry, a second worker, tomorrow's run finding the same
overdue action) makes nothing new. It is emailed once: sending claims the unsent rows with one
guarded UPDATE inside the transaction that sends, so a second sender finds nothing to claim, and a
failed send rolls the claim back for the retry (`delivery.py`). ADR 0018.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from notifications.kinds import Delivery, Kind
from notifications.querysets import NotificationQuerySet
from peertrack.absolute_urls import absolute_url
from recommendations.models import Action, Council, PeerChallenge


def _in_choices(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class OutgoingEmail(models.Model):
    """One email sent to one person: a few immediate notifications, or their weekly summary.

    A weekly summary names its week (`week_starting`, a Monday), unique per person and council,
    so a summary is sent at most once a week whatever retries and workers do.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField(null=True, blank=True, help_text="The Monday of a weekly summary's week.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "council", "week_starting"],
                                    condition=Q(week_starting__isnull=False), name="one_summary_a_week"),
        ]

    def __str__(self) -> str:
        what = f"weekly summary of {self.week_starting:%-d %B %Y}" if self.week_starting else "email"
        return f"{what} to {self.recipient} at {self.sent_at:%Y-%m-%d %H:%M}"


class EmailWay(models.TextChoices):
    IMMEDIATE = "immediate", "Emailed straight away"
    DIGEST = "digest", "In the weekly summary"
    NONE = "none", "Not emailed"


class Notification(models.Model):
    """Something one person is told, in the list and (as they chose) by email."""

    Email = EmailWay
    Kind = Kind

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What it is about ("action:12", "council:3") and which occasion ("due:2024-09-30",
    # "2024-Q2:2024-W41"; empty for a one-off): with recipient and kind, the idempotency key.
    subject = models.CharField(max_length=60)
    occasion = models.CharField(max_length=60, blank=True)
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    challenge = models.ForeignKey(PeerChallenge, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path on this site.")
    email = models.CharField(max_length=10, choices=EmailWay.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    sent_in = models.ForeignKey(OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="notifications")
    email_error = models.TextField(blank=True, help_text="Why the email could not be delivered.")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "subject", "occasion"],
                                    name="notification_made_once"),
            _in_choices("kind", Kind, "notification_kind_valid"),
            _in_choices("email", EmailWay, "notification_email_valid"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["council", "email"], condition=Q(emailed_at__isnull=True),
                         name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def link(self) -> str:
        """Returns the full address of what the notification is about, for an email."""
        return absolute_url(self.url)


class NotificationPreference(models.Model):
    """How one person wants to hear about one kind; a kind without a row uses its default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
            _in_choices("kind", Kind, "preference_kind_valid"),
            _in_choices("delivery", Delivery, "preference_delivery_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} – {self.get_delivery_display()}"


class CouncilNotificationSettings(models.Model):
    """A council's choices for notifications, set by its coordinators and administrators."""

    DEFAULT_ESCALATE_AFTER_WEEKS = 3
    MOST_WEEKS = 12

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="notification_settings")
    escalate_after_weeks = models.PositiveSmallIntegerField(
        "tell coordinators after this many weeks", default=DEFAULT_ESCALATE_AFTER_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_WEEKS)],
        help_text="How many weeks after a reporting deadline an action still without an update is "
                  "escalated to the council's coordinators.")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "council notification settings"
        constraints = [
            models.CheckConstraint(condition=Q(escalate_after_weeks__gte=1, escalate_after_weeks__lte=12),
                                   name="escalation_weeks_in_range"),
        ]

    def __str__(self) -> str:
        return f"Notification settings of {self.council}"

    @classmethod
    def weeks_for(cls, council_id: int) -> int:
        """Returns the council's escalation weeks, or the default when it has chosen none."""
        chosen = cls.objects.filter(council_id=council_id).values_list("escalate_after_weeks", flat=True).first()
        return chosen or cls.DEFAULT_ESCALATE_AFTER_WEEKS


class WeeklyRun(models.Model):
    """The weekly part of a council's scheduled run (summaries) has been done for a week."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "week_starting"], name="weekly_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.council}: week of {self.week_starting:%-d %B %Y}"


def week_starting(day: dt.date) -> dt.date:
    """Returns the Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())
