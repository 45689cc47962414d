"""Filters for rendering GOV.UK form pieces from Django bound fields."""

from __future__ import annotations

from django import forms, template
from django.forms.widgets import ChoiceWidget

register = template.Library()


@register.filter
def first_input_id(field: forms.BoundField) -> str:
    """Returns the id an error message should link to: the first option of radios and checkbox lists
    (Django gives them no label id), otherwise the field's own input."""
    widget = field.field.widget
    if isinstance(widget, ChoiceWidget) and widget.input_type in {"radio", "checkbox"}:
        return f"{field.auto_id}_0"
    return field.id_for_label
