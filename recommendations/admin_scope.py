"""Keeps the Django admin inside the councils a staff user coordinates or administers.

Superusers see everything. Any other staff user sees, and can choose in
drop-downs, only rows of councils where they are a coordinator or an
administrator, so a coordinator fixing data cannot touch another council's plan.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from recommendations.models import Council, Membership

ADMIN_ROLES = (Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR)


def managed_councils(request: HttpRequest) -> QuerySet[Council]:
    """Returns the councils the staff user may change in the admin."""
    if request.user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(
        memberships__in=Membership.objects.active().filter(
            user=request.user, role__in=ADMIN_ROLES
        )
    )


class CouncilScopedAdmin(SimpleHistoryAdmin):
    """A model admin whose rows and drop-downs are limited to the user's councils.

    `council_path` is the lookup from the model to its Council, e.g.
    "recommendation__challenge__council".
    """

    council_path: str = "council"
    # Lookups from each foreign key's target model to its council, for drop-downs.
    related_council_paths: dict[str, str] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.council_path}__in": managed_councils(request)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        path = self.related_council_paths.get(db_field.name)
        if path is not None and not request.user.is_superuser:
            target = db_field.remote_field.model
            lookup = f"{path}__in" if path else "pk__in"
            kwargs["queryset"] = target._default_manager.filter(
                **{lookup: managed_councils(request)}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Offers in each related-field filter only the values of the rows the user can see.

        Django's default lists every row of the related model, which would put other
        councils' names and challenge titles in the sidebar.
        """
        scoped: list[Any] = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) and (
            request.user.is_superuser or managed_councils(request).exists()
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
