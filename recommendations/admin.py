"""Admin pages a coordinator uses to fix data, scoped to their councils."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from recommendations.admin_scope import CouncilScopedAdmin, ReadOnlyInline, managed_councils
from recommendations.models import (
    Action,
    Council,
    Membership,
    PeerChallenge,
    PeerTeamMember,
    ProgressUpdate,
    Recommendation,
    Theme,
)

USER_FIELDS = ["user__username", "user__first_name", "user__last_name", "user__email"]


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    council_path = "pk"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(CouncilScopedAdmin):
    list_display = ["user", "council", "role", "job_title", "expires_on"]
    list_filter = ["council", "role"]
    search_fields = [*USER_FIELDS, "job_title"]
    autocomplete_fields = ["user"]
    related_council_paths = {"council": ""}


class PeerTeamMemberInline(admin.TabularInline):
    model = PeerTeamMember
    extra = 0


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["kind", "name", "position"]


@admin.register(PeerChallenge)
class PeerChallengeAdmin(CouncilScopedAdmin):
    list_display = ["title", "council", "kind", "onsite_start", "onsite_end", "feedback_report_date"]
    list_filter = ["council", "kind"]
    search_fields = ["title", "slug", "council__name"]
    date_hierarchy = "onsite_start"
    inlines = [ThemeInline, PeerTeamMemberInline]
    related_council_paths = {"council": ""}
    fieldsets = [
        (None, {"fields": ["council", "title", "slug", "kind"]}),
        ("The visit", {"fields": ["onsite_start", "onsite_end", "people_spoken_to",
                                  "meetings_held", "hours_on_site", "figures_note"]}),
        ("Publication", {"fields": ["feedback_report_date", "feedback_report_url",
                                    "action_plan_published_on"]}),
    ]


@admin.register(PeerTeamMember)
class PeerTeamMemberAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["name", "role", "organisation", "challenge"]
    list_filter = ["challenge__council", "challenge"]
    search_fields = ["name", "role", "organisation"]
    related_council_paths = {"challenge": "council"}


@admin.register(Theme)
class ThemeAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["name", "kind", "challenge", "position"]
    list_filter = ["kind", "challenge"]
    search_fields = ["name", "description"]
    related_council_paths = {"challenge": "council"}


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["reference", "description", "lead_officer", "due_date", "status"]
    raw_id_fields = ["lead_officer"]
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(CouncilScopedAdmin):
    council_path = "challenge__council"
    list_display = ["number", "title", "challenge", "theme", "response"]
    list_display_links = ["number", "title"]
    list_filter = ["challenge__council", "challenge", "response", "theme"]
    search_fields = ["title", "text", "response_narrative"]
    inlines = [ActionInline]
    related_council_paths = {"challenge": "council", "theme": "challenge__council"}


class ProgressUpdateInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = readonly_fields = ("created_at", "period_year", "period_quarter", "rag", "narrative", "author")


@admin.register(Action)
class ActionAdmin(CouncilScopedAdmin):
    council_path = "recommendation__challenge__council"
    list_display = [
        "reference", "short_description", "recommendation", "lead_officer", "directorate",
        "due_date", "status",
    ]
    list_filter = [
        "recommendation__challenge", "status", "origin", "directorate", "is_demo", "due_date",
    ]
    search_fields = ["reference", "description", "directorate", "cabinet_member",
                     "lead_officer__first_name", "lead_officer__last_name"]
    autocomplete_fields = ["lead_officer"]
    readonly_fields = ["version", "created_at", "completion_reported_at",
                       "completion_reported_by", "signed_off_at", "signed_off_by"]
    list_select_related = ["recommendation__challenge", "lead_officer"]
    inlines = [ProgressUpdateInline]
    related_council_paths = {"recommendation": "challenge__council"}

    @admin.display(description="Action")
    def short_description(self, obj: Action) -> str:
        return obj.description if len(obj.description) <= 80 else obj.description[:79] + "…"


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(CouncilScopedAdmin):
    """Progress updates are append-only: the admin lists and shows them but never edits."""

    council_path = "action__recommendation__challenge__council"
    list_display = ["action", "period_label", "rag", "author", "created_at", "is_demo"]
    list_filter = ["rag", "period_year", "period_quarter", "is_demo",
                   "action__recommendation__challenge"]
    search_fields = ["narrative", "evidence", "next_steps", "action__reference",
                     "action__description"]
    date_hierarchy = "created_at"
    list_select_related = ["action", "author"]

    @admin.display(description="Reporting period")
    def period_label(self, obj: ProgressUpdate) -> str:
        return str(obj.period)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedUserAdmin(UserAdmin):
    """Users, limited for a coordinator to the people of their own councils."""

    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "memberships__council", "memberships__role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__council__in=managed_councils(request)).distinct()


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
