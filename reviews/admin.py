"""Admin pages for committee meetings and progress reviews, scoped to the user's councils."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from recommendations.admin_scope import (
    ChallengeScopedAdmin,
    CouncilScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    ViewOnlyAdmin,
)
from reviews.models import (
    CommitteeMeeting,
    CommitteeReport,
    IssuedPack,
    PositionStatement,
    ProgressReview,
    ReturningPeer,
    ReviewTheme,
    StatementEvidence,
)


class ReviewScopedAdmin(CouncilScopedAdmin):
    """A council-scoped admin of rows that belong to one progress review (a `review` foreign key)."""

    council_path = "review__challenge__council"


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(ChallengeScopedAdmin):
    list_display = ["committee", "meeting_date", "item", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "item"]
    date_hierarchy = "meeting_date"


class ReturningPeerInline(ScopedTabularInline):
    model = ReturningPeer


class ReviewThemeInline(ScopedStackedInline):
    model = ReviewTheme
    filter_horizontal = ["recommendations"]


@admin.register(ProgressReview)
class ProgressReviewAdmin(ChallengeScopedAdmin):
    list_display = ["challenge", "review_date", "statement_status", "report_published_on"]
    list_filter = ["statement_status", "challenge"]
    search_fields = ["overall_feedback", "statement_introduction"]
    readonly_fields = ["statement_approved_by", "statement_approved_at"]
    inlines = [ReturningPeerInline, ReviewThemeInline]


@admin.register(ReviewTheme)
class ReviewThemeAdmin(ReviewScopedAdmin):
    list_display = ["name", "review", "position"]
    list_filter = ["review"]
    search_fields = ["name", "feedback"]
    filter_horizontal = ["recommendations"]


@admin.register(PositionStatement)
class PositionStatementAdmin(ReviewScopedAdmin):
    list_display = ["recommendation", "review", "is_demo"]
    list_filter = ["review", "is_demo"]
    search_fields = ["text", "recommendation__title"]


class StatementEvidenceForm(forms.ModelForm):
    url = forms.URLField(label="Link", max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "vURLField"}))

    class Meta:
        model = StatementEvidence
        fields = ["review", "recommendation", "title", "url"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        review, recommendation = cleaned.get("review"), cleaned.get("recommendation")
        if review is not None and review.is_statement_approved:
            raise forms.ValidationError(
                "This review's position statement has been approved, so its evidence can no longer "
                "change.", code="approved")
        if review is not None and recommendation is not None and recommendation.challenge_id != review.challenge_id:
            self.add_error("recommendation", "Choose a recommendation of the review's challenge.")
        return cleaned


@admin.register(StatementEvidence)
class StatementEvidenceAdmin(ReviewScopedAdmin):
    """Evidence links sent with a position statement.

    As on the statement page, evidence changes only while the statement is a draft:
    approval froze a copy of the links (ADR 0009), so once a review is approved its
    evidence is read-only here too, and editing it would change nothing anyone reads.
    """

    form = StatementEvidenceForm
    list_display = ["title", "url", "recommendation", "review", "added_by", "added_at"]
    list_filter = ["review__statement_status", "review__challenge", "review"]
    search_fields = ["title", "url", "recommendation__title"]
    readonly_fields = ["added_by", "added_at"]
    list_select_related = ["review__challenge", "recommendation", "added_by"]

    def has_change_permission(self, request: HttpRequest, obj: StatementEvidence | None = None) -> bool:
        if obj is not None and obj.review.is_statement_approved:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: StatementEvidence | None = None) -> bool:
        if obj is not None and obj.review.is_statement_approved:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: StatementEvidence, form: Any, change: bool) -> None:
        if not change:
            obj.added_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(ReturningPeer)
class ReturningPeerAdmin(ReviewScopedAdmin):
    list_display = ["member", "review", "role_at_review"]
    list_filter = ["review"]
    search_fields = ["member__name", "role_at_review"]


@admin.register(CommitteeReport)
class CommitteeReportAdmin(ChallengeScopedAdmin):
    list_display = ["committee", "meeting_date", "subject", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "subject"]
    readonly_fields = ["created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: CommitteeReport | None = None) -> bool:
        # A report that packs were issued from is part of their record.
        if obj is not None and obj.packs.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(IssuedPack)
class IssuedPackAdmin(ViewOnlyAdmin):
    """Issued packs are public records: the admin shows them and never changes them."""

    council_path = "challenge__council"
    list_display = ["sequence", "committee", "meeting_date", "as_of", "issued_at", "sha256", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "subject", "sha256"]
    exclude = ["snapshot"]
