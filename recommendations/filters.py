"""Filters for the action plan table (django-filter), fed a queryset already scoped to the user.

Theme, lead officer, directorate and origin filter the queryset; "RAG" and "overdue" mean the
rating and the state on the date the table is viewed as at, so they are read from the plan as at
that date (`recommendations.asof`) rather than worked out again here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from recommendations import rag as rag_rules
from recommendations.asof import STATE_LABELS, ActionThen
from recommendations.models import Action, PeerChallenge, Theme


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class OfficerFilter(django_filters.ModelChoiceFilter):
    field_class = OfficerChoiceField


class ActionPlanFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(
        field_name="recommendation__theme", queryset=Theme.objects.none(), label="Theme",
        empty_label="All themes",
    )
    rag = django_filters.MultipleChoiceFilter(
        method="filter_rag", label="RAG rating",
        choices=[(value, rag_rules.label(value)) for value in rag_rules.ORDER],
        widget=forms.CheckboxSelectMultiple,
    )
    lead_officer = OfficerFilter(
        queryset=get_user_model().objects.none(), label="Lead officer", empty_label="All officers",
    )
    directorate = django_filters.ChoiceFilter(label="Directorate", empty_label="All directorates")
    origin = django_filters.ChoiceFilter(
        label="Where the action came from", choices=Action.Origin.choices, empty_label="All actions",
        error_messages={"invalid_choice": "Choose where the action came from: the action plan or "
                                          "the progress review."},
    )
    status = django_filters.MultipleChoiceFilter(
        method="filter_status", label="Status", choices=list(STATE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Only overdue actions", widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields = ["theme", "rag", "status", "lead_officer", "directorate", "origin", "overdue"]

    def __init__(self, *args: Any, challenge: PeerChallenge, actions_then: Sequence[ActionThen],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions_then = actions_then
        fields = self.filters
        fields["theme"].queryset = challenge.themes.all()
        fields["lead_officer"].queryset = (
            get_user_model().objects.filter(led_actions__recommendation__challenge=challenge)
            .distinct().order_by("last_name", "first_name", "username")
        )
        directorates = (
            Action.objects.filter(recommendation__challenge=challenge).exclude(directorate="")
            .order_by("directorate").values_list("directorate", flat=True).distinct()
        )
        fields["directorate"].extra["choices"] = [(name, name) for name in directorates]
        for name in ("theme", "lead_officer", "directorate", "origin"):
            self.form.fields[name].widget.attrs["class"] = "govuk-select"

    def filter_rag(self, queryset: QuerySet[Action], name: str, value: list[str]) -> QuerySet[Action]:
        """Keeps the actions whose rating on the date viewed is one of those ticked."""
        if not value:
            return queryset
        return queryset.filter(pk__in=[then.pk for then in self.actions_then if then.rating in value])

    def filter_status(self, queryset: QuerySet[Action], name: str, value: list[str]) -> QuerySet[Action]:
        """Keeps the actions whose status on the date viewed ("returned" included) is one of those ticked."""
        if not value:
            return queryset
        return queryset.filter(pk__in=[then.pk for then in self.actions_then if then.state in value])

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None) -> QuerySet[Action]:
        """Keeps the actions overdue on the date viewed, when ticked."""
        if not value:
            return queryset
        return queryset.filter(pk__in=[then.pk for then in self.actions_then if then.overdue])

    @property
    def active(self) -> bool:
        """True when any filter is applied."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(value not in (None, "", [], False) for value in data.values())
