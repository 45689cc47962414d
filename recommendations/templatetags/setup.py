"""Filters for the set-up pages' forms, which lay their fields out from a list of names."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.filter
def field(form: forms.BaseForm, name: str) -> forms.BoundField:
    """Returns the bound field `name` of `form`."""
    return form[name]


@register.filter
def date_parts(form: Any, name: str) -> dict[str, Any]:
    """Returns the day, month and year boxes of date `name` as typed, with their errors."""
    parts: dict[str, Any] = form.date_parts(name)
    return parts


@register.filter
def prefixed(form: forms.BaseForm, name: str) -> str:
    """Returns the name of field `name` as the form sends it (with the form's prefix, if any)."""
    return form.add_prefix(name)
