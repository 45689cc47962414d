"""Filters the committee pack templates use to read a snapshot's plain values."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template

register = template.Library()

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@register.filter
def isodate(value: str | None) -> dt.date | None:
    """Returns the date an ISO string such as "2024-06-30" names, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def blocks(text: str | None) -> list[dict[str, Any]]:
    """Splits plain text into paragraphs and bullet lists, for numbered report paragraphs.

    A blank line ends a paragraph; lines starting "- ", "* ", "• " or "1. " form a
    list. The text stays plain: the template escapes it as it prints it.
    """
    result: list[dict[str, Any]] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            result.append({"kind": "p", "text": " ".join(paragraph)})
            paragraph.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
            continue
        if _BULLET.match(line):
            end_paragraph()
            item = _BULLET.sub("", line, count=1)
            if result and result[-1]["kind"] == "ul":
                result[-1]["items"].append(item)
            else:
                result.append({"kind": "ul", "items": [item]})
            continue
        if result and result[-1]["kind"] == "ul" and raw[:1].isspace():
            # An indented line continues the list item above it.
            result[-1]["items"][-1] += " " + line
            continue
        paragraph.append(line)
    end_paragraph()
    return result


@register.filter
def rag_css(value: str | None) -> str:
    """Returns the pack's CSS modifier for a rating (the label is always printed too)."""
    return {"blue": "blue", "green": "green", "amber": "amber", "red": "red"}.get(
        value or "", "none"
    )


@register.filter
def rag_label_text(value: str | None) -> str:
    """Returns the words for a rating, e.g. "Amber" or "Not yet rated"."""
    from recommendations.rag import label

    return label(value)


@register.filter
def letter(value: int) -> str:
    """Returns the lower-case letter for a 1-based position (1 is "a", 27 is "aa"), as committee
    reports letter their sub-paragraphs."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
