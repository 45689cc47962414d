"""The challenge and its action plan: councils, challenges, recommendations, actions, updates.

See docs/ARCHITECTURE.md for how these fit together and ../shared/DOMAIN.md for
the domain they model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from recommendations.periods import ReportingPeriod
from recommendations.querysets import (
    ActionQuerySet,
    CouncilQuerySet,
    DeputyQuerySet,
    GuestAccessQuerySet,
    MembershipQuerySet,
    PeerChallengeQuerySet,
    ProgressUpdateQuerySet,
    RecommendationQuerySet,
)
from recommendations.rag import MEANINGS, Rag
from recommendations.signals import action_written


def _in_choices(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Council(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    # The council's look and words in packs, exports and page headers (reviews/packs/branding.py
    # checks and sanitises the logo before it is stored; ADR 0023).
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_content_type = models.CharField(max_length=20, blank=True)
    rag_wording = models.JSONField(
        default=dict, blank=True,
        help_text="The council's own meaning for each RAG band, by rating; empty means the default.",
    )
    # Members sign in only through the single sign-on provider (peertrack/oidc.py, ADR 0021);
    # guests and platform staff keep their passwords.
    require_sso = models.BooleanField(
        "members must use single sign-on", default=False,
        help_text="Refuse password sign-in for the council's members; guest peers keep their passwords.",
    )

    history = HistoricalRecords(excluded_fields=["logo"])
    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rag_meaning(self, rating: str) -> str:
        """Returns the council's wording for `rating`, or the default meaning when it has none."""
        return (self.rag_wording or {}).get(rating) or MEANINGS.get(rating, "")


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
    directorate = models.CharField("directorate or service area", max_length=200, blank=True)
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


class Invitation(models.Model):
    """An invitation to join a council in a role, sent by email with a one-time link (ADR 0021).

    Only the SHA-256 of the link's token is stored. The link works until `expires_at` (7 days
    after it was last sent), once: accepting makes (or finds) the account and its `Membership`.
    A council has at most one open (neither accepted nor revoked) invitation per address.
    `recommendations/people/services.py` holds the workflows; the state changes are here.
    """

    Role = MembershipRole
    LIFETIME = dt.timedelta(days=7)

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["council__name", "-sent_at", "pk"]
        constraints = [
            _in_choices("role", MembershipRole, "invitation_role_valid"),
            models.UniqueConstraint(
                Lower("email"), "council",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked"),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.council} as {self.get_role_display()}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        """True while the link still works: neither accepted nor revoked, and not expired."""
        return self.is_open and self.expires_at > (now or timezone.now())

    @property
    def state(self) -> str:
        """Says where the invitation stands: Accepted, Revoked, Expired or Waiting."""
        if self.accepted_at is not None:
            return "Accepted"
        if self.revoked_at is not None:
            return "Revoked"
        return "Waiting" if self.is_usable() else "Expired"

    def renew(self, *, by: Any) -> str:
        """Gives the invitation a new link, valid for LIFETIME from now, and returns its token.

        The old link stops working. Raises ValueError when it was accepted or revoked meanwhile.
        """
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        with transaction.atomic():
            written = Invitation.objects.filter(
                pk=self.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
                token_hash=self.hash_token(token), sent_at=now, expires_at=now + self.LIFETIME)
            if not written:
                raise ValueError("This invitation was accepted or revoked, so it cannot be sent again.")
            self.refresh_from_db()
            Invitation.history.bulk_history_create([self], update=True, default_user=by,
                                                   default_change_reason="Sent again")
        return token

    def revoke(self, *, by: Any) -> bool:
        """Stops the link working. Returns False (changing nothing) if it was already accepted or revoked."""
        with transaction.atomic():
            written = Invitation.objects.filter(
                pk=self.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_by=by)
            if not written:
                return False
            self.refresh_from_db()
            Invitation.history.bulk_history_create([self], update=True, default_user=by,
                                                   default_change_reason="Revoked")
        return True


class GuestAccess(models.Model):
    """A returning peer's read-only access to one challenge, ending by itself after `expires_on`.

    The other half of the access rule beside `Membership`: a guest is not a member of
    the council, sees only this challenge (`PeerChallengeQuerySet.visible_to`) and has
    the role "guest" (`access.role_in`), which no editing view accepts. Guests are
    invited from a progress review (`reviews.progress.services.invite_guest`).

    The tables keep the names they had when this model lived in `reviews` (ADR 0015).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_accesses"
    )
    challenge = models.ForeignKey(
        "PeerChallenge", on_delete=models.CASCADE, related_name="guest_accesses"
    )
    peer = models.ForeignKey(
        "PeerTeamMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="guest_accesses"
    )
    expires_on = models.DateField("access ends after")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(table_name="reviews_historicalguestaccess")
    objects = GuestAccessQuerySet.as_manager()

    class Meta:
        db_table = "reviews_guestaccess"
        ordering = ["challenge", "-expires_on", "pk"]
        verbose_name_plural = "guest access"
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="guest_access_once_per_challenge")
        ]

    def __str__(self) -> str:
        return f"{self.user} (guest) on {self.challenge}, until {self.expires_on:%-d %B %Y}"

    def is_active(self, today: dt.date | None = None) -> bool:
        return self.expires_on >= (today or timezone.localdate())


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
    # The LGA times the feedback report from its publication, which may come after it is received.
    feedback_report_published_on = models.DateField("feedback report published", null=True, blank=True)
    action_plan_published_on = models.DateField(null=True, blank=True)
    people_spoken_to = models.PositiveIntegerField(null=True, blank=True)
    meetings_held = models.PositiveIntegerField(null=True, blank=True)
    hours_on_site = models.PositiveIntegerField(null=True, blank=True)
    figures_note = models.TextField(
        blank=True, help_text="The visit figures in the report's own words."
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When a coordinator archived the challenge: its cycle is over and it is read-only.")
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="+")
    # Bumped in the transaction of every write to the challenge or anything in it, and part of
    # every cache key of its pages, so a cached page can never outlive a change (ADR 0026).
    cache_version = models.PositiveBigIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["cache_version"])
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
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, *, by: Any) -> bool:
        """Archives the challenge: read-only from now on, and out of My actions, reminders and the
        inbox. Returns False (and changes nothing) when it was already archived."""
        return self._set_archived(by=by, archived=True)

    def unarchive(self, *, by: Any) -> bool:
        """Makes an archived challenge open again. Returns False when it was not archived."""
        return self._set_archived(by=by, archived=False)

    def _set_archived(self, *, by: Any, archived: bool) -> bool:
        with transaction.atomic():
            written = PeerChallenge.objects.filter(pk=self.pk, archived_at__isnull=archived).update(
                archived_at=timezone.now() if archived else None, archived_by=by if archived else None)
            if not written:
                return False
            self.refresh_from_db()
            PeerChallenge.history.bulk_history_create(
                [self], update=True, default_user=by,
                default_change_reason="Archived" if archived else "Unarchived")
        return True

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

    @classmethod
    def needing_reasons(cls) -> list[str]:
        """Returns the responses the council must give its reasons for (as values, for constraints)."""
        return [cls.PARTLY_ACCEPTED.value, cls.NOT_ACCEPTED.value]


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
                condition=~Q(response__in=ResponseChoice.needing_reasons()) | ~Q(response_reasons=""),
                name="recommendation_rejection_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("recommendation", args=[self.challenge.slug, self.number])

    def next_action_reference(self) -> str:
        """Returns the reference a new action of this recommendation is offered: the first free
        "<number>.<n>", so "2.4" when 2.1 to 2.3 are taken (one query)."""
        taken = {reference.lower() for reference in self.actions.values_list("reference", flat=True)}
        n = 1
        while f"{self.number}.{n}" in taken:
            n += 1
        return f"{self.number}.{n}"

    def clean(self) -> None:
        if self.response in self.Response.needing_reasons() and not self.response_reasons.strip():
            raise ValidationError(
                {"response_reasons": "Give the council's reasons when a recommendation is "
                 "partly accepted or not accepted."}
            )
        if (self.theme_id and self.challenge_id and self.theme is not None
                and self.theme.challenge_id != self.challenge_id):
            raise ValidationError({"theme": "Choose a theme of the same challenge."})


class EditConflict(Exception):
    """Someone else changed the action after the editor loaded it; nothing was written.

    `current` is the action as it now stands, for showing the editor what changed.
    """

    def __init__(self, current: Action) -> None:
        super().__init__(f"Action {current.pk} has changed since it was loaded.")
        self.current = current


class InvalidTransition(Exception):
    """The action is not in a state that allows the change (e.g. signing off twice).

    The message says what happened instead, in plain English, for showing the user.
    """


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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="led_actions"
    )
    cabinet_member = models.CharField(max_length=200, blank=True)
    directorate = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.ACTION_PLAN)
    completion_reported_at = models.DateTimeField(null=True, blank=True)
    completion_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(
        null=True, blank=True, help_text="When a coordinator last returned it to its officer as not yet complete.")
    return_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.TextField(
        "why it was closed", blank=True, help_text="For example: superseded by action 3.4, or no longer needed."
    )
    source = models.TextField(blank=True, help_text="Where the action comes from, e.g. a quote.")
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo data.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Its updates' current state, kept in the transaction that appends an update
    # (`ProgressUpdate.save`), so today's plan reads columns (ADR 0026; `asof.kept_state` is the
    # rule, `manage.py verify_current_state` checks it). Periods as year * 10 + quarter.
    latest_update = models.ForeignKey("ProgressUpdate", on_delete=models.SET_NULL, null=True, blank=True,
                                      editable=False, related_name="+")
    latest_update_rag = models.CharField(max_length=10, blank=True, editable=False)
    latest_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    latest_update_period = models.PositiveIntegerField(null=True, blank=True, editable=False)
    reported_up_to = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rating_before_claim = models.CharField(max_length=10, blank=True, editable=False)

    KEPT_FIELDS = ("latest_update", "latest_update_rag", "latest_update_at", "latest_update_period",
                   "reported_up_to", "rating_before_claim")

    history = HistoricalRecords(excluded_fields=list(KEPT_FIELDS))
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
        self.clean_lead_officer()

    @staticmethod
    def possible_lead_officers(council: Any, *, roles: list[str] | None = None) -> models.QuerySet[Any]:
        """Returns who may lead an action of `council` (a Council, its id, or a queryset of them).

        The one rule for every way a lead officer is chosen (forms, admin, imports) and for
        reminders: an account that is switched on, with a membership of the council that has
        not expired (in one of `roles`, if given).
        """
        from django.contrib.auth import get_user_model

        lookup = "council__in" if isinstance(council, models.QuerySet) else "council"
        memberships = Membership.objects.active().filter(**{lookup: council})
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user"))

    def clean_lead_officer(self) -> None:
        """Refuses a newly chosen lead officer who is not an active member of the action's council.

        A lead officer already stored for the same recommendation is left alone (someone who
        has since left does not block other changes to the action; reminders skip them).
        """
        if self.lead_officer_id is None or self.recommendation_id is None:
            return
        if self.pk is not None and Action.objects.filter(
                pk=self.pk, lead_officer_id=self.lead_officer_id,
                recommendation_id=self.recommendation_id).exists():
            return
        council = Council.objects.filter(challenges__recommendations=self.recommendation_id)
        if not Action.possible_lead_officers(council).filter(pk=self.lead_officer_id).exists():
            raise ValidationError({"lead_officer": "Choose a lead officer who is an active member "
                                                   "of this action's council."})

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETE, self.Status.CLOSED)

    # The fields a coordinator edits on the edit page: the optimistic version check guards them.
    EDITABLE_FIELDS = ("description", "lead_officer", "due_date")

    def _write(self, *, guard: Q, by: Any, reason: str = "", bump_version: bool,
               **changes: Any) -> bool:
        """Writes `changes` in one UPDATE that only matches while `guard` still holds.

        Returns False (and writes nothing) when another writer got there first. The
        UPDATE bypasses save(), so the historical record simple-history would have
        made is created here, in the same transaction, from the row as written.
        """
        if bump_version:
            changes["version"] = F("version") + 1
        with transaction.atomic():
            written = Action.objects.filter(guard, pk=self.pk).update(**changes)
            if not written:
                return False
            self.refresh_from_db()
            Action.history.bulk_history_create(
                [self], update=True, default_user=by, default_change_reason=reason[:100]
            )
            attnames = {field.name: field.attname for field in self._meta.concrete_fields}
            fields = {attnames.get(name, name) for name in changes}
            action_written.send(sender=Action, action=self, fields=fields, by=by)
        return True

    def edit(self, *, expected_version: int, by: Any, reason: str = "",
             **values: Any) -> list[str]:
        """Applies a coordinator's edit unless the action changed since `expected_version`.

        `values` holds some of EDITABLE_FIELDS (`lead_officer` as a user or None).
        Returns the names of the fields that changed (none: nothing is written).
        A later due date needs a `reason`, which is kept with the old date as a
        `DueDateChange`. Raises EditConflict when someone else saved first.
        """
        unknown = set(values) - set(self.EDITABLE_FIELDS)
        if unknown:
            raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}.")
        if self.version != expected_version:
            raise EditConflict(Action.objects.get(pk=self.pk))
        changed = {
            name: value for name, value in values.items()
            if getattr(self, name if name != "lead_officer" else "lead_officer_id")
            != (value.pk if name == "lead_officer" and value is not None else value)
        }
        if not changed:
            return []
        new_due = changed.get("due_date", self.due_date)
        if new_due and self.start_date and new_due < self.start_date:
            raise ValidationError({"due_date": "The due date cannot be before the start date."})
        old_due = self.due_date
        moves_date = "due_date" in changed and old_due is not None
        if moves_date and not reason.strip():
            raise ValidationError({"reason": "Give the reason the due date is changing."})
        with transaction.atomic():
            if not self._write(guard=Q(version=expected_version), by=by, reason=reason,
                               bump_version=True, **changed):
                raise EditConflict(Action.objects.get(pk=self.pk))
            if moves_date and old_due is not None:
                DueDateChange.objects.create(action=self, old_due_date=old_due,
                                             new_due_date=self.due_date, reason=reason.strip(),
                                             changed_by=by)
        return list(changed)

    def save_whole(self, *, fields: list[str], expected_version: int, expected_status: str,
                   by: Any, reason: str = "") -> None:
        """Writes `fields` as this instance now holds them and advances `version` (the admin's save).

        The admin edits the whole action, status included, so the write only happens
        while both the version and the status are still as the editor loaded them
        (status changes such as a sign-off leave `version` alone, ADR 0005); otherwise
        nothing is written and EditConflict is raised. A moved due date needs a
        `reason` and is kept as a DueDateChange, as with `edit`. No fields: no write.
        """
        if not fields:
            return
        attnames = {field.name: field.attname for field in self._meta.concrete_fields}
        values = {attnames[name]: getattr(self, attnames[name]) for name in fields}
        with transaction.atomic():
            stored = Action.objects.select_for_update().get(pk=self.pk)
            if stored.version != expected_version or stored.status != expected_status:
                raise EditConflict(stored)
            old_due = stored.due_date
            moves_date = "due_date" in fields and old_due is not None and old_due != self.due_date
            if moves_date and not reason.strip():
                raise ValidationError({"reason": "Give the reason the due date is changing."})
            if not self._write(guard=Q(version=expected_version, status=expected_status), by=by,
                               reason=reason, bump_version=True, **values):
                raise EditConflict(Action.objects.get(pk=self.pk))
            if moves_date and old_due is not None:
                DueDateChange.objects.create(action=self, old_due_date=old_due,
                                             new_due_date=self.due_date, reason=reason.strip(),
                                             changed_by=by)

    def report_complete(self, *, by: Any) -> bool:
        """Marks an open action as awaiting a coordinator's sign-off.

        Returns False when it is already awaiting sign-off, complete or closed.
        """
        return self._write(
            guard=Q(status__in=[self.Status.NOT_STARTED, self.Status.IN_PROGRESS]), by=by,
            bump_version=False, status=self.Status.AWAITING_SIGN_OFF,
            completion_reported_at=timezone.now(), completion_reported_by=by,
        )

    def sign_off(self, *, by: Any) -> None:
        """Signs off an action awaiting sign-off as complete (Blue).

        Raises InvalidTransition, with a message saying what happened instead, when it
        is not awaiting sign-off, e.g. when another coordinator signed it off or
        returned it first, or a newer progress update withdrew the completion report.
        """
        with transaction.atomic():
            self._lock_awaiting_sign_off()
            if not self._write(guard=Q(status=self.Status.AWAITING_SIGN_OFF), by=by,
                               bump_version=False, status=self.Status.COMPLETE,
                               signed_off_at=timezone.now(), signed_off_by=by, returned_at=None,
                               return_reason=""):
                raise InvalidTransition(self._current()._not_awaiting_sign_off())

    def return_for_work(self, *, by: Any, reason: str) -> SignOffReturn:
        """Sends an action awaiting sign-off back to in progress, keeping the reason.

        Raises InvalidTransition, with a message saying why, when it is not awaiting
        sign-off.
        """
        if not reason.strip():
            raise ValidationError({"reason": "Say why the action is not yet complete."})
        with transaction.atomic():
            self._lock_awaiting_sign_off()
            if not self._write(guard=Q(status=self.Status.AWAITING_SIGN_OFF), by=by,
                               reason=reason, bump_version=False,
                               status=self.Status.IN_PROGRESS, completion_reported_at=None,
                               completion_reported_by=None, returned_at=timezone.now(),
                               return_reason=reason.strip()):
                raise InvalidTransition(self._current()._not_awaiting_sign_off())
            return SignOffReturn.objects.create(action=self, reason=reason.strip(), returned_by=by,
                                                returned_at=self.returned_at)

    def close(self, *, by: Any, reason: str) -> None:
        """Closes an open action (superseded or no longer needed), keeping who, when and why.

        A closed action takes no updates and is left out of the RAG rule. Raises
        InvalidTransition when it is already complete or closed.
        """
        if not reason.strip():
            raise ValidationError({"reason": "Say why the action is being closed."})
        with transaction.atomic():
            if self._locked().status in (self.Status.COMPLETE, self.Status.CLOSED):
                raise InvalidTransition(self._current()._not_open())
            if not self._write(guard=~Q(status__in=[self.Status.COMPLETE, self.Status.CLOSED]), by=by,
                               reason=reason, bump_version=False, status=self.Status.CLOSED,
                               closed_at=timezone.now(), closed_by=by, closed_reason=reason.strip(),
                               completion_reported_at=None, completion_reported_by=None,
                               returned_at=None, return_reason=""):
                raise InvalidTransition(self._current()._not_open())

    def reopen(self, *, by: Any, reason: str) -> None:
        """Opens a closed action again: in progress if it has updates, else not started.

        Raises InvalidTransition when it is not closed.
        """
        if not reason.strip():
            raise ValidationError({"reason": "Say why the action is being reopened."})
        with transaction.atomic():
            if self._locked().status != self.Status.CLOSED:
                raise InvalidTransition("This action is not closed, so it cannot be reopened. Nothing was changed.")
            status = self.Status.IN_PROGRESS if self.updates.exists() else self.Status.NOT_STARTED
            if not self._write(guard=Q(status=self.Status.CLOSED), by=by, reason=reason,
                               bump_version=False, status=status, closed_at=None, closed_by=None,
                               closed_reason=""):
                raise InvalidTransition("This action is not closed, so it cannot be reopened. Nothing was changed.")

    def _not_open(self) -> str:
        if self.status == self.Status.COMPLETE:
            return f"This action was {self._signed_off_text()}, so it cannot be closed. Nothing was changed."
        return "This action is already closed. Nothing was changed."

    def _locked(self) -> Action:
        """Returns the action's row as stored, locked until the transaction ends.

        Every state change (progress, sign-off, return) takes this lock first, so they
        queue one behind the other instead of deciding on a status that is about to
        change. SQLite has no row locks; there the guarded UPDATEs still catch a race.
        """
        return Action.objects.select_for_update().get(pk=self.pk)

    def _current(self) -> Action:
        return Action.objects.select_related("signed_off_by").get(pk=self.pk)

    def _lock_awaiting_sign_off(self) -> None:
        current = self._locked()
        if current.status != self.Status.AWAITING_SIGN_OFF:
            raise InvalidTransition(self._current()._not_awaiting_sign_off())

    def _signed_off_text(self) -> str:
        who = "a coordinator"
        if self.signed_off_by is not None:
            who = self.signed_off_by.get_full_name() or self.signed_off_by.get_username()
        if self.signed_off_at is None:
            return f"signed off by {who}"
        moment = timezone.localtime(self.signed_off_at)
        return f"signed off by {who} at {moment:%H:%M} on {moment:%-d %B %Y}"

    def _not_awaiting_sign_off(self) -> str:
        """Says, in plain English, why this action (as stored) cannot be signed off or returned."""
        if self.status == self.Status.COMPLETE:
            return (f"This action is not awaiting sign-off: it was {self._signed_off_text()}. "
                    "Nothing was changed.")
        if self.status == self.Status.CLOSED:
            return "This action is not awaiting sign-off: it is closed. Nothing was changed."
        return ("This action is not awaiting sign-off: it was returned, or a newer progress "
                "update withdrew the report that it is complete. Nothing was changed.")

    def _refuses_updates(self) -> str:
        """Says, in plain English, why this action (as stored) took no progress update."""
        if self.status == self.Status.COMPLETE:
            return (f"This action was {self._signed_off_text()}, so it takes no more updates; "
                    "your update was not recorded. Ask a coordinator if it needs reopening.")
        if self.status == self.Status.CLOSED:
            return ("This action is closed, so it takes no more updates; your update was not "
                    "recorded. Ask a coordinator if it needs reopening.")
        return ("This action changed while your update was being saved, so your update was not "
                "recorded. Check the action, then save your update again.")

    @property
    def accepts_updates(self) -> bool:
        """Complete and closed actions take no more progress updates."""
        return self.is_open

    def record_progress(
        self,
        *,
        rag: str,
        period: ReportingPeriod,
        narrative: str,
        by: Any,
        evidence: str = "",
        next_steps: str = "",
        recorded_for: Any = None,
    ) -> ProgressUpdate:
        """Appends a progress update and moves the action's status along with it.

        `recorded_for` is the lead officer when a deputy records the update on their behalf.
        A not-started action becomes in progress. A Blue update reports the action
        complete (awaiting sign-off); any other rating on an action awaiting
        sign-off withdraws that report. Complete and closed actions take no
        updates: InvalidTransition, whose message says who signed it off and when.

        The action's row is locked first, so a sign-off or return posted at the same
        moment waits for this update (or this update waits for it and is refused).
        Each status change is also a guarded UPDATE whose result is checked: if the
        action changed anyway, InvalidTransition is raised and nothing is written.
        """
        with transaction.atomic():
            status = self._locked().status
            if status in (self.Status.COMPLETE, self.Status.CLOSED):
                raise InvalidTransition(self._current()._refuses_updates())
            update = ProgressUpdate(
                action=self,
                rag=rag,
                period_year=period.year,
                period_quarter=period.quarter,
                narrative=narrative,
                evidence=evidence,
                next_steps=next_steps,
                author=by,
                recorded_for=recorded_for,
            )
            update._history_user = by  # type: ignore[attr-defined]
            update.save()
            if status == self.Status.AWAITING_SIGN_OFF:
                # Blue again: it stays awaiting sign-off. Any other rating withdraws the claim.
                moved = rag == Rag.BLUE or self._write(
                    guard=Q(status=self.Status.AWAITING_SIGN_OFF), by=by,
                    reason="Completion withdrawn by a later update", bump_version=False,
                    status=self.Status.IN_PROGRESS, completion_reported_at=None,
                    completion_reported_by=None)
            elif rag == Rag.BLUE:
                moved = self.report_complete(by=by)
            elif status == self.Status.NOT_STARTED:
                moved = self._write(guard=Q(status=self.Status.NOT_STARTED), by=by,
                                    bump_version=False, status=self.Status.IN_PROGRESS)
            else:
                moved = True
            if not moved:
                # The status changed after it was read: raising rolls the update back too.
                raise InvalidTransition(self._current()._refuses_updates())
            self.refresh_from_db()
        return update


class DueDateChange(models.Model):
    """A due date moved by a coordinator, with the old date and the reason. Never edited."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="due_date_changes")
    old_due_date = models.DateField("old due date")
    new_due_date = models.DateField("new due date", null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.old_due_date} to {self.new_due_date}"

    @property
    def is_slip(self) -> bool:
        """True when the date moved later (or was removed), i.e. the action slipped."""
        return self.new_due_date is None or self.new_due_date > self.old_due_date


class SignOffReturn(models.Model):
    """A coordinator's refusal to sign off an action reported complete, with the reason."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="sign_off_returns")
    reason = models.TextField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    returned_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-returned_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.reference} returned {self.returned_at:%d %B %Y}"


class WrittenOnce(models.Model):
    """A row written once and never changed or deleted (append-only, a record as it was made): saving it
    again raises TypeError(`changed_message`), deleting it TypeError(`deleted_message`)."""

    changed_message: ClassVar[str]
    deleted_message: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(self.changed_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(self.deleted_message)


class ProgressUpdate(WrittenOnce):
    """An officer's report on an action for a reporting period. Never edited, never deleted."""

    NARRATIVE_MAX_LENGTH = 5000
    changed_message = "Progress updates are append-only: record a new update instead."
    deleted_message = "Progress updates are append-only and are never deleted."

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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="progress_updates"
    )
    recorded_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The lead officer a deputy recorded this update for.",
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
        with transaction.atomic():
            super().save(*args, **kwargs)  # refuses an existing row: a correction is a new update
            # The action's kept current state moves with its updates, in the same transaction.
            Action.objects.keep_current_state_of(self.action_id)

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod(self.period_year, self.period_quarter)


class EvidenceFileQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Evidence files are append-only, like the update they belong to.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Evidence files are append-only, like the update they belong to.")


def _evidence_path(evidence: EvidenceFile, filename: str) -> str:
    """Returns where an evidence file is stored: evidence/<challenge slug>/<random>.<extension>.

    The uploader's file name never reaches the path (it is kept, cleaned, in `name`); only the
    extension of `filename`, which `recommendations.evidence` chose from the file's content.
    """
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() and len(extension) <= 5 else ""
    return f"evidence/{evidence.update.action.recommendation.challenge.slug}/{uuid.uuid4().hex}{suffix}"


class EvidenceIntegrityError(Exception):
    """The stored copy of an evidence file is missing or differs from the file that was uploaded."""


class EvidenceFile(WrittenOnce):
    """A file attached to a progress update as evidence. Never changed, never deleted.

    `recommendations.evidence` checks what the file is (from its content) before it is stored;
    `size`, `content_type` and `sha256` are of the file as uploaded, and a download re-checks
    the SHA-256 (`read_verified`).
    """

    changed_message = "Evidence files are append-only: record a new update instead."
    deleted_message = "Evidence files are append-only and are never deleted."

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence_files")
    file = models.FileField(upload_to=_evidence_path, max_length=300)
    name = models.CharField("file name", max_length=200, help_text="The name it was uploaded with, cleaned.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["update", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="evidence_file_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        """Returns what the file is, in words: "PDF", "Word document", "PNG image"..."""
        from recommendations.evidence import label_of

        return label_of(self.content_type)

    def read_verified(self) -> bytes:
        """Returns the stored file, raising EvidenceIntegrityError unless its SHA-256 is the recorded one."""
        try:
            with self.file.open("rb") as stored:
                content = stored.read()
        except (OSError, ValueError) as error:
            raise EvidenceIntegrityError("The stored copy of this file cannot be found.") from error
        if hashlib.sha256(content).hexdigest() != self.sha256:
            raise EvidenceIntegrityError(
                "The stored copy of this file no longer matches the SHA-256 recorded when it was "
                "uploaded, so it may have been changed."
            )
        return content


class Deputy(models.Model):
    """Someone who may record progress on a lead officer's behalf until a date: for one action,
    or for every action an officer leads in the council.

    A deputy records updates only; signing off, returning, editing and closing stay with the
    council's coordinators. `Deputy.objects.active()` and `access.may_record_progress` hold the rule.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deputising")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, blank=True, related_name="deputies")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="deputised_by",
        help_text="Every action this officer leads in the council, now and later.",
    )
    ends_on = models.DateField("deputises until the end of")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = DeputyQuerySet.as_manager()

    class Meta:
        ordering = ["council", "-ends_on", "pk"]
        verbose_name_plural = "deputies"
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(lead_officer__isnull=True))
                | (Q(action__isnull=True) & Q(lead_officer__isnull=False)),
                name="deputy_for_one_action_or_one_officer",
            ),
        ]

    def __str__(self) -> str:
        what = f"action {self.action.reference}" if self.action_id and self.action else f"{self.lead_officer}'s actions"
        return f"{self.deputy} deputising on {what} until {self.ends_on:%-d %B %Y}"

    def is_active(self, today: dt.date | None = None) -> bool:
        return self.ends_on >= (today or timezone.localdate())


class SubmissionKey(models.Model):
    """A form submission already dealt with, remembered by the random key its form carried.

    Bookkeeping for `peertrack.idempotency`, not part of the plan: no history. A row
    with no `location` is a submission still being processed; `location` is where its
    answer sent the user. Rows older than a day are purged.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    location = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({'done' if self.location else 'in progress'})"


class ImportColumnMapping(models.Model):
    """What a council's action plan columns and status words meant at its last import (issue 17).

    The column mapping page starts from these, so the next spreadsheet in the same layout
    needs no mapping again. `source` is the header (or status word) normalised; `target`
    the peertrack field (or rating) it was mapped to.
    """

    class Kind(models.TextChoices):
        COLUMN = "column", "Column header"
        STATUS = "status", "Status word"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=200)
    target = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "kind", "source"],
                                    name="import_mapping_once_per_council"),
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.source} → {self.target or 'not imported'}"
