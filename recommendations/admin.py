"""Admin pages a council's coordinators and administrators use to fix data, scoped to their
councils (ADR 0012); groups and sign-in records are for platform staff only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Model, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from recommendations import models
from recommendations.admin_scope import (
    ChallengeScopedAdmin,
    CouncilScopedAdmin,
    ReadOnlyInline,
    ScopedTabularInline,
    ViewOnlyAdmin,
    managed_councils,
)

USER_FIELDS = ["user__username", "user__first_name", "user__last_name", "user__email"]


class LeadOfficerChoices:
    """Offers as an action's lead officer only active members of the user's councils.

    Action.clean then refuses anyone who is not an active member of the action's own
    council, so a choice posted from outside the list is a field error, never saved.
    """

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "lead_officer" and "queryset" not in kwargs:
            kwargs["queryset"] = models.Action.possible_lead_officers(managed_councils(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(models.Council)
class CouncilAdmin(CouncilScopedAdmin):
    council_path = "pk"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Membership)
class MembershipAdmin(CouncilScopedAdmin):
    list_display = ["user", "council", "role", "job_title", "expires_on"]
    list_filter = ["council", "role"]
    search_fields = [*USER_FIELDS, "job_title"]
    autocomplete_fields = ["user"]


class GuestAccessStateFilter(admin.SimpleListFilter):
    title = "access"
    parameter_name = "access"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("ended", "Ended")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        active = models.GuestAccess.objects.active()
        if self.value() == "active":
            return queryset.filter(pk__in=active)
        if self.value() == "ended":
            return queryset.exclude(pk__in=active)
        return queryset


class GuestAccessForm(forms.ModelForm):
    class Meta:
        model = models.GuestAccess
        fields = ["expires_on"]
        help_texts = {
            "expires_on": "The guest can read the challenge until the end of this day. Move it "
                          "earlier to end their access sooner; yesterday's date ends it now. To give "
                          "more time, invite them again from the progress review's guest peers page.",
        }

    def clean_expires_on(self) -> dt.date:
        expires_on: dt.date = self.cleaned_data["expires_on"]
        current = self.initial.get("expires_on")
        if current is not None and expires_on > current:
            raise forms.ValidationError(
                "Access can only be shortened here. To give more time, invite the peer again from "
                "the progress review's guest peers page.", code="later")
        return expires_on


@admin.register(models.GuestAccess)
class GuestAccessAdmin(ChallengeScopedAdmin):
    """Who has guest access to which challenge until when; shortening or deleting it ends it.

    Access is never added here. A guest is invited from the progress review's guest peers
    page (`reviews.progress.services.invite_guest`), which makes their sign-in, refuses
    someone who is a member of the council, and emails them a link to choose a password;
    an access added here would skip all three, so this page has no "Add". For the same
    reason the guest, the challenge and the peer cannot be changed, and the end date can
    only move earlier.
    """

    form = GuestAccessForm
    list_display = ["guest", "peer", "challenge", "expires_on", "access_active", "invited_by"]
    list_filter = [GuestAccessStateFilter, "challenge__council", "challenge"]
    search_fields = [*USER_FIELDS, "peer__name", "peer__organisation"]
    fields = ["guest", "email", "challenge", "peer", "expires_on", "invited_by", "created_at"]
    readonly_fields = ["guest", "email", "challenge", "peer", "invited_by", "created_at"]
    list_select_related = ["user", "challenge", "peer", "invited_by"]
    date_hierarchy = "expires_on"

    @admin.display(description="Guest", ordering="user__last_name")
    def guest(self, obj: models.GuestAccess) -> str:
        name = obj.user.get_full_name()
        username = obj.user.get_username()
        return f"{name} ({username})" if name else username

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj: models.GuestAccess) -> str:
        return obj.user.email

    @admin.display(description="Access active", boolean=True)
    def access_active(self, obj: models.GuestAccess) -> bool:
        return obj.is_active(timezone.localdate())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PeerTeamMemberInline(ScopedTabularInline):
    model = models.PeerTeamMember


class ThemeInline(ScopedTabularInline):
    model = models.Theme
    fields = ["kind", "name", "position"]


@admin.register(models.PeerChallenge)
class PeerChallengeAdmin(CouncilScopedAdmin):
    list_display = ["title", "council", "kind", "onsite_start", "onsite_end", "feedback_report_date"]
    list_filter = ["council", "kind"]
    search_fields = ["title", "slug", "council__name"]
    date_hierarchy = "onsite_start"
    inlines = [ThemeInline, PeerTeamMemberInline]
    fieldsets = [
        (None, {"fields": ["council", "title", "slug", "kind"]}),
        ("The visit", {"fields": ["onsite_start", "onsite_end", "people_spoken_to",
                                  "meetings_held", "hours_on_site", "figures_note"]}),
        ("Publication", {"fields": ["feedback_report_date", "feedback_report_url",
                                    "action_plan_published_on"]}),
    ]


@admin.register(models.PeerTeamMember)
class PeerTeamMemberAdmin(ChallengeScopedAdmin):
    list_display = ["name", "role", "organisation", "challenge"]
    list_filter = ["challenge__council", "challenge"]
    search_fields = ["name", "role", "organisation"]


@admin.register(models.Theme)
class ThemeAdmin(ChallengeScopedAdmin):
    list_display = ["name", "kind", "challenge", "position"]
    list_filter = ["kind", "challenge"]
    search_fields = ["name", "description"]


class ActionInline(LeadOfficerChoices, ScopedTabularInline):
    """New actions can be added here; an existing one is changed on its own admin page, whose
    save advances the action's version and keeps a due-date change with its reason."""

    model = models.Action
    fields = ["reference", "description", "lead_officer", "due_date", "status"]
    raw_id_fields = ["lead_officer"]
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Recommendation)
class RecommendationAdmin(ChallengeScopedAdmin):
    list_display = ["number", "title", "challenge", "theme", "response"]
    list_display_links = ["number", "title"]
    list_filter = ["challenge__council", "challenge", "response", "theme"]
    search_fields = ["title", "text", "response_narrative"]
    inlines = [ActionInline]


class ProgressUpdateInline(ReadOnlyInline):
    model = models.ProgressUpdate
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
        model = models.Action
        fields = ["recommendation", "reference", "description", "source", "origin", "is_demo",
                  "lead_officer", "cabinet_member", "directorate", "start_date", "due_date", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_status"].initial = self.instance.status
        lead = self.fields.get("lead_officer")
        if (isinstance(lead, forms.ModelChoiceField) and lead.queryset is not None
                and self.instance.lead_officer_id is not None):
            # Someone who has left may stay the lead while other fields change (Action.clean).
            lead.queryset = lead.queryset | User.objects.filter(pk=self.instance.lead_officer_id)

    def model_changes(self) -> list[str]:
        """Returns the names of the action's own fields this form changed."""
        return [name for name in self.changed_data if name not in self.declared_fields]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        action = self.instance
        if cleaned.get("status") == models.Action.Status.COMPLETE and action.signed_off_at is None:
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


@admin.register(models.Action)
class ActionAdmin(LeadOfficerChoices, CouncilScopedAdmin):
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

    def get_fieldsets(self, request: HttpRequest, obj: models.Action | None = None) -> Any:
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
    def short_description(self, obj: models.Action) -> str:
        return obj.description if len(obj.description) <= 80 else obj.description[:79] + "…"

    def save_model(self, request: HttpRequest, obj: models.Action, form: Any, change: bool) -> None:
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
        except models.EditConflict:
            # Another save landed between this form's checks and its write; the
            # transaction was rolled back, so nothing of this save was kept.
            self.message_user(request, "Someone else changed this action while you were saving, so "
                                       "nothing was saved. Here it is as it now stands.", messages.ERROR)
            return HttpResponseRedirect(request.path)


class EvidenceFileInline(ReadOnlyInline):
    """An update's evidence files, read-only like the update; downloaded through the product, which
    checks who may read the action and the file's SHA-256."""

    model = models.EvidenceFile
    fields = readonly_fields = ("download", "content_type", "size", "sha256", "created_at")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Part of the update: whoever may view the update sees its files.
        return request.user.has_perm("recommendations.view_progressupdate")

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.EvidenceFile]:
        return super().get_queryset(request).select_related("update__action__recommendation__challenge")

    @admin.display(description="File")
    def download(self, obj: models.EvidenceFile) -> str:
        action = obj.update.action
        url = reverse("evidence_download", args=[action.recommendation.challenge.slug, action.pk, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.name)


@admin.register(models.ProgressUpdate)
class ProgressUpdateAdmin(ViewOnlyAdmin):
    """Progress updates are append-only: the admin lists and shows them but never edits."""

    council_path = "action__recommendation__challenge__council"
    list_display = ["action", "period_label", "rag", "author", "created_at", "is_demo"]
    list_filter = ["rag", "period_year", "period_quarter", "is_demo",
                   "action__recommendation__challenge"]
    search_fields = ["narrative", "evidence", "next_steps", "action__reference",
                     "action__description"]
    date_hierarchy = "created_at"
    list_select_related = ["action", "author"]
    inlines = [EvidenceFileInline]

    @admin.display(description="Reporting period")
    def period_label(self, obj: models.ProgressUpdate) -> str:
        return str(obj.period)


class CouncilFilter(admin.SimpleListFilter):
    """Filters people by council, offering only the councils the user manages."""

    title = "council"
    parameter_name = "council"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(council.pk), council.name) for council in managed_councils(request)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        council = managed_councils(request).filter(pk=int(value))
        return queryset.filter(pk__in=models.Membership.objects.filter(council__in=council).values("user"))


class MembershipFormSet(BaseInlineFormSet):
    """A person's memberships; a council's staff adding someone must give them one."""

    require_one = False

    def clean(self) -> None:
        super().clean()
        kept = [form for form in self.forms
                if form.has_changed() and not form.cleaned_data.get("DELETE")]
        if self.require_one and not kept:
            raise forms.ValidationError(
                "Give the person a role in one of your councils, or you will not be able to find "
                "them again.", code="no_membership")


class MembershipInline(ScopedTabularInline):
    """The person's memberships of the councils the user manages (never of other councils)."""

    model = models.Membership
    formset = MembershipFormSet
    fields = ["council", "role", "job_title", "expires_on"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(council__in=managed_councils(request))

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.require_one = obj is None and not request.user.is_superuser  # type: ignore[attr-defined]
        return formset


class ScopedUserAdmin(UserAdmin):
    """People, limited for a council's staff to the people of their own councils.

    A council's coordinator or administrator sees anyone with a membership of a council
    they manage, and may change someone only when every membership that person holds is
    in those councils and they are not a superuser, so no one changes (or takes over, by
    setting a password) an account another council relies on. They never make anyone a
    superuser, and grant only the permissions and groups they hold themselves.
    """

    council_scoped = True
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", CouncilFilter, "memberships__role"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        members = models.Membership.objects.filter(council__in=managed_councils(request)).values("user")
        return queryset.filter(pk__in=members)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if (match is not None and match.url_name == "autocomplete"
                and request.GET.get("field_name") == "lead_officer"):
            # The lead officer box offers only the people Action.clean would accept.
            leads = models.Action.possible_lead_officers(managed_councils(request))
            queryset = queryset.filter(pk__in=leads.values("pk"))
        return queryset, may_have_duplicates

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        if obj.is_superuser:
            return False
        return not obj.memberships.exclude(council__in=managed_councils(request)).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and obj is not None:
            readonly.append("is_superuser")
        return readonly

    def _grantable(self, request: HttpRequest, db_field: Any) -> QuerySet[Any]:
        """Returns the permissions (or groups) `request.user` may give: those they hold."""
        user = request.user
        held = Permission.objects.filter(Q(user=user) | Q(group__user=user))
        if db_field.name == "user_permissions":
            return held.select_related("content_type").distinct()
        beyond = Permission.objects.exclude(pk__in=held.values("pk"))
        return Group.objects.exclude(permissions__in=beyond)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("user_permissions", "groups") and not request.user.is_superuser:
            kwargs["queryset"] = self._grantable(request, db_field)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Saves the permissions and groups, keeping those the editor could not see.

        The lists offer only what the editor holds; without this, saving a person who holds
        more would silently take the rest away.
        """
        user = form.instance
        kept: dict[str, list[Any]] = {}
        if change and not request.user.is_superuser:
            for name in ("user_permissions", "groups"):
                field = form.fields.get(name)
                if field is not None:
                    kept[name] = list(getattr(user, name).exclude(pk__in=field.queryset.values("pk")))
        super().save_related(request, form, formsets, change)
        for name, hidden in kept.items():
            getattr(user, name).add(*hidden)


class PlatformStaffOnly:
    """Pages for platform staff (superusers) only: not scoped to a council, so never shown to
    a council's staff whatever permissions they are given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


def _platform_staff_only(model: type[Model]) -> None:
    registered = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(registered.__name__, (PlatformStaffOnly, registered), {}))


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
# Groups (shared by every council), the sign-in lockout records (every council's usernames
# and addresses) and the background task queue (every council's work; a council reads its own
# failures on the failed tasks page) belong to no council.
for _model in (Group, AccessAttempt, AccessLog, AccessFailureLog, DBTaskResult):
    if _model in admin.site._registry:
        _platform_staff_only(_model)
