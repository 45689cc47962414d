"""Keeps the Django admin inside the councils a staff user coordinates or administers.

Superusers (platform staff, ADR 0012) see everything. Any other staff user sees,
opens, and can choose in drop-downs only rows of councils where they are a
coordinator or an administrator, on every admin page: lists, add, change, delete,
history, autocomplete. An object outside those councils is "not found", never shown.

History is for reading: django-simple-history's revert form would save an old
version past the rules each admin page keeps (append-only updates, frozen packs,
access that can only be shortened, the action's version check), so no one reverts
through it; a correction is made on the change page or in the product.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from peertrack import inputs
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


def scoped_choices(admin_site: admin.AdminSite, model: type[Model],
                   request: HttpRequest) -> QuerySet[Any] | None:
    """Returns the rows of `model` a drop-down may offer the user, or None for no limit.

    A staff user may choose exactly what they could open in the admin: the rows the
    model's own admin page lists for them. A model without a council-scoped admin page
    offers a council's staff nothing, so a new foreign key cannot leak by default.
    """
    if request.user.is_superuser:
        return None
    related_admin = admin_site._registry.get(model)
    if getattr(related_admin, "council_scoped", False):
        queryset: QuerySet[Any] = related_admin.get_queryset(request)  # type: ignore[union-attr]
        return queryset
    return model._default_manager.none()


class CouncilScopedChoices:
    """Limits every foreign key and many-to-many drop-down to the user's councils' rows.

    For model admins and inlines alike; a subclass that passes its own `queryset`
    (e.g. the permissions a user may grant) keeps it.
    """

    admin_site: admin.AdminSite

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Bounds every date's year (1990 to 2100) as the product's own forms do."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if isinstance(formfield, forms.DateField):
            formfield.validators.append(inputs.validate_year)
        return formfield

    def _with_scoped_choices(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Returns the field's `kwargs` with the choices limited, unless they already name a queryset."""
        if "queryset" not in kwargs:
            scoped = scoped_choices(self.admin_site, db_field.remote_field.model, request)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return kwargs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs = self._with_scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs = self._with_scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class CouncilScopedAdmin(CouncilScopedChoices, SimpleHistoryAdmin):
    """A model admin whose rows, drop-downs and history are limited to the user's councils.

    `council_path` is the lookup from the model to its Council, e.g.
    "recommendation__challenge__council" ("pk" for Council itself).
    """

    council_scoped = True
    council_path: str = "council"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.council_path}__in": managed_councils(request)})

    def in_scope(self, request: HttpRequest, obj: Model) -> bool:
        """Returns whether `obj` (a row, or a past version of one) belongs to the user's councils.

        Reads the council through the object's first foreign key, so it also answers for
        the last recorded state of a deleted object.
        """
        if request.user.is_superuser:
            return True
        managed = managed_councils(request)
        first, _, rest = self.council_path.partition("__")
        if first == "pk":
            return managed.filter(pk=obj.pk).exists()
        field = self.model._meta.get_field(first)
        related_id = getattr(obj, field.attname)
        assert field.related_model is not None
        target: Any = field.related_model
        lookup = f"{rest}__in" if rest else "pk__in"
        return bool(target._default_manager.filter(pk=related_id, **{lookup: managed}).exists())

    def _history_manager(self) -> Any:
        return getattr(self.model, self.model._meta.simple_history_manager_attribute)

    def _pk_or_404(self, object_id: str) -> Any:
        try:
            return self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError):
            raise Http404 from None

    def object_or_404(self, request: HttpRequest, object_id: str) -> Model:
        """Returns the object, or the last recorded state of a deleted one, if the user may see it.

        Raises Http404 for an object of another council (or none at all), so the answer
        is the same whether or not it exists.
        """
        pk = self._pk_or_404(object_id)
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is not None:
            return obj
        if self.model._default_manager.filter(pk=pk).exists():
            raise Http404
        record = (self._history_manager().filter(**{self.model._meta.pk.attname: pk})
                  .order_by("-history_date", "-history_id").first())
        if record is None or not self.in_scope(request, record.instance):
            raise Http404
        return record.instance

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self.object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Shows one past version, read-only, of an object in the user's councils."""
        self.object_or_404(request, object_id)
        history_model = self._history_manager().model
        try:
            version_pk = history_model._meta.pk.to_python(version_id)
        except (ValidationError, ValueError):
            raise Http404 from None
        version = history_model.objects.filter(
            **{self.model._meta.pk.attname: self._pk_or_404(object_id)}, pk=version_pk).first()
        if version is None or not self.in_scope(request, version.instance):
            raise Http404
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Past versions are read-only. Make a correction on the change page.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

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
            request.user.is_superuser or manages_a_council(request)
        )


class ChallengeScopedAdmin(CouncilScopedAdmin):
    """A council-scoped admin of rows that belong to one challenge (a `challenge` foreign key)."""

    council_path = "challenge__council"


class ViewOnlyAdmin(CouncilScopedAdmin):
    """A council-scoped admin page that lists and shows rows but never adds, changes or deletes one."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def manages_a_council(request: HttpRequest) -> bool:
    """Returns whether the user coordinates or administers any council, asked once per request.

    The admin's index and sidebar ask every registered model; one query serves them all.
    """
    key = "_peertrack_manages_a_council"
    if key not in request.__dict__:
        request.__dict__[key] = managed_councils(request).exists()
    return bool(request.__dict__[key])


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "View on site" redirect, for an object the user may open in the admin.

    Django's own redirects for any object of any model, which would tell a council's
    staff another council's addresses (and that the object exists).
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model) if model else None
    if (model_admin is None or not model_admin.has_view_or_change_permission(request)
            or model_admin.get_object(request, unquote(object_id)) is None):
        raise Http404
    return shortcut(request, content_type_id, object_id)


class ScopedInline(CouncilScopedChoices):
    """An inline whose drop-downs offer only the user's councils' rows, and which shows no
    empty rows until the user asks for one ("Add another")."""

    extra = 0


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    """A tabular inline scoped to the user's councils."""


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    """A stacked inline scoped to the user's councils."""


class ReadOnlyInline(ScopedTabularInline):
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
