"""Admin pages for committee meetings and progress reviews, scoped to the user's councils."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from recommendations.admin_scope import CouncilScopedAdmin
from reviews.models import (
    CommitteeMeeting,
    CommitteeReport,
    IssuedPack,
    PositionStatement,
    ProgressReview,
    ReturningPeer,
    ReviewTheme,
)


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["committee", "meeting_date", "item", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "item"]
    date_hierarchy = "meeting_date"
    related_council_paths = {"challenge": "council"}


class ReturningPeerInline(admin.TabularInline):
    model = ReturningPeer
    extra = 0


class ReviewThemeInline(admin.StackedInline):
    model = ReviewTheme
    extra = 0
    filter_horizontal = ["recommendations"]


@admin.register(ProgressReview)
class ProgressReviewAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["challenge", "review_date", "statement_status", "report_published_on"]
    list_filter = ["statement_status", "challenge"]
    search_fields = ["overall_feedback", "statement_introduction"]
    readonly_fields = ["statement_approved_by", "statement_approved_at"]
    inlines = [ReturningPeerInline, ReviewThemeInline]
    related_council_paths = {"challenge": "council"}


@admin.register(ReviewTheme)
class ReviewThemeAdmin(CouncilScopedAdmin):
    council_path = "review__challenge__council"
    list_display = ["name", "review", "position"]
    list_filter = ["review"]
    search_fields = ["name", "feedback"]
    filter_horizontal = ["recommendations"]
    related_council_paths = {"review": "challenge__council"}


@admin.register(PositionStatement)
class PositionStatementAdmin(CouncilScopedAdmin):
    council_path = "review__challenge__council"
    list_display = ["recommendation", "review", "is_demo"]
    list_filter = ["review", "is_demo"]
    search_fields = ["text", "recommendation__title"]
    related_council_paths = {"review": "challenge__council",
                             "recommendation": "challenge__council"}


@admin.register(ReturningPeer)
class ReturningPeerAdmin(CouncilScopedAdmin):
    council_path = "review__challenge__council"
    list_display = ["member", "review", "role_at_review"]
    list_filter = ["review"]
    search_fields = ["member__name", "role_at_review"]
    related_council_paths = {"review": "challenge__council", "member": "challenge__council"}


@admin.register(CommitteeReport)
class CommitteeReportAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["committee", "meeting_date", "subject", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "subject"]
    readonly_fields = ["created_by"]
    related_council_paths = {"challenge": "council"}

    def has_delete_permission(self, request: HttpRequest, obj: CommitteeReport | None = None) -> bool:
        # A report that packs were issued from is part of their record.
        if obj is not None and obj.packs.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(IssuedPack)
class IssuedPackAdmin(CouncilScopedAdmin):
    """Issued packs are public records: the admin shows them and never changes them."""

    council_path = "challenge__council"
    list_display = ["sequence", "committee", "meeting_date", "as_of", "issued_at", "sha256", "challenge"]
    list_filter = ["committee", "challenge"]
    search_fields = ["committee", "subject", "sha256"]
    exclude = ["snapshot"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IssuedPack | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: IssuedPack | None = None) -> bool:
        return False
