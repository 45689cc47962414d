"""Presentation helpers for RAG ratings and people's names."""

from __future__ import annotations

from typing import Any

from django import template

from recommendations import rag as rag_rules

register = template.Library()

_TAG_CLASSES = {
    "blue": "govuk-tag--blue",
    "green": "govuk-tag--green",
    "amber": "govuk-tag--yellow",
    "red": "govuk-tag--red",
    rag_rules.NOT_RATED: "govuk-tag--grey",
}


@register.filter
def rag_label(value: str | None) -> str:
    """Returns the words for a rating, e.g. "Amber" or "Not yet rated"."""
    return rag_rules.label(value)


@register.filter
def rag_class(value: str | None) -> str:
    """Returns the GOV.UK tag modifier class that colours a rating."""
    return _TAG_CLASSES.get(value or rag_rules.NOT_RATED, "govuk-tag--grey")


@register.filter
def rag_meaning(value: str | None) -> str:
    return rag_rules.MEANINGS.get(value or rag_rules.NOT_RATED, "")


@register.filter
def person(user: Any) -> str:
    """Returns a user's full name, or their username when no name is recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.simple_tag
def rag_legend_items(council: Any = None) -> list[dict[str, str]]:
    """Returns the legend's rows; with a council, in its own wording for each band (ADR 0023)."""
    return [
        {"value": value, "label": rag_rules.label(value),
         "meaning": council.rag_meaning(value) if council else rag_rules.MEANINGS[value]}
        for value in rag_rules.ORDER
    ]


@register.filter
def logo_src(council: Any) -> str:
    """Returns the council's logo as a data: URL (it was sanitised when stored), or ""."""
    import base64

    if not council or not getattr(council, "logo_content_type", ""):
        return ""
    return f"data:{council.logo_content_type};base64,{base64.b64encode(bytes(council.logo)).decode('ascii')}"


@register.simple_tag
def action_rule_text() -> str:
    """The truth rule for an action, in the words every page that shows a rating states it."""
    return rag_rules.ACTION_RULE_TEXT
