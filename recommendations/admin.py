"""Admin pages a coordinator uses to fix data, scoped to their councils."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from recommendations.admin_scope import CouncilScopedAdmin, ReadOnlyInline, managed_councils
from recommendations.models import (
    Action,
    Council,
    EditConflict,
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
    """New actions can be added here; an existing one is changed on its own admin page, whose
    save advances the action's version and keeps a due-date change with its reason."""

    model = Action
    extra = 0
    fields = ["reference", "description", "lead_officer", "due_date", "status"]
    raw_id_fields = ["lead_officer"]
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


class ActionAdminForm(forms.ModelForm):
    """The admin's action form: carries the version and status it was loaded at, and a reason.

    A save is refused when the action changed since the page was opened (someone's edit
    advanced its version, or its status moved, e.g. a sign-off), and a moved due date
    needs a reason, kept as a DueDateChange as on the action's edit page.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded_status = forms.CharField(widget=forms.HiddenInput, required=False)
    due_date_change_reason = forms.CharField(
        label="Reason for changing the due date", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Needed only when you move or remove the due date. It is kept with the old "
                  "date and shown on the action's page.",
    )

    class Meta:
        model = Action
        fields = ["recommendation", "reference", "description", "source", "origin", "is_demo",
                  "lead_officer", "cabinet_member", "directorate", "start_date", "due_date", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_status"].initial = self.instance.status

    def model_changes(self) -> list[str]:
        """Returns the names of the action's own fields this form changed."""
        return [name for name in self.changed_data if name not in self.declared_fields]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        action = self.instance
        if cleaned.get("status") == Action.Status.COMPLETE and action.signed_off_at is None:
            self.add_error("status", "An action becomes complete when a coordinator signs it off on "
                                     "the action's page. Choose another status here.")
        if action.pk is None:
            return cleaned
        if (cleaned.get("loaded_version") != action.version
                or cleaned.get("loaded_status") != action.status):
            raise forms.ValidationError(
                "Someone else changed this action after you opened this page, so nothing was saved. "
                "Open the action again to see their change, then make yours.",
                code="conflict",
            )
        if ("due_date" in self.changed_data and self.initial.get("due_date") is not None
                and not cleaned.get("due_date_change_reason", "").strip()):
            self.add_error("due_date_change_reason", "Give the reason the due date is changing.")
        return cleaned


@admin.register(Action)
class ActionAdmin(CouncilScopedAdmin):
    """Actions, for fixing data. Saving a change advances the action's version (as the edit
    page does), so a coordinator whose edit page was opened before it gets a conflict
    instead of silently overwriting it; a moved due date is recorded with its reason."""

    form = ActionAdminForm
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

    def get_fieldsets(self, request: HttpRequest, obj: Action | None = None) -> Any:
        dates = ["start_date", "due_date", "status"]
        record = ["created_at"]
        if obj is not None:
            dates.insert(2, "due_date_change_reason")
            record = ["version", "created_at", "loaded_version", "loaded_status"]
        return [
            (None, {"fields": ["recommendation", "reference", "description", "source", "origin",
                               "is_demo"]}),
            ("Who", {"fields": ["lead_officer", "cabinet_member", "directorate"]}),
            ("Dates and status", {"fields": dates}),
            ("Completion", {"fields": ["completion_reported_at", "completion_reported_by",
                                       "signed_off_at", "signed_off_by"]}),
            ("Record", {"fields": record}),
        ]

    @admin.display(description="Action")
    def short_description(self, obj: Action) -> str:
        return obj.description if len(obj.description) <= 80 else obj.description[:79] + "…"

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        obj.save_whole(fields=form.model_changes(), by=request.user,
                       expected_version=form.cleaned_data["loaded_version"],
                       expected_status=form.cleaned_data["loaded_status"],
                       reason=form.cleaned_data["due_date_change_reason"])

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Another save landed between this form's checks and its write; the
            # transaction was rolled back, so nothing of this save was kept.
            self.message_user(request, "Someone else changed this action while you were saving, so "
                                       "nothing was saved. Here it is as it now stands.", messages.ERROR)
            return HttpResponseRedirect(request.path)


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
    list_filter = ["is_staff", "is_active", ("memberships__council", admin.RelatedOnlyFieldListFilter),
                   "memberships__role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__council__in=managed_councils(request)).distinct()


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
