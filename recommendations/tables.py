"""The action plan table: every action of a challenge, as it stood on a date.

Its rows are `asof.ActionThen` records (the action as it stood then, with the row as it is now in
`action`), already filtered by `filters.ActionPlanFilter` and scoped to what the user may see;
django-tables2 sorts them in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from recommendations.asof import ActionThen
from recommendations.models import Action


def action_url(action: Action) -> str:
    """Returns the action's page (needs `recommendation__challenge` selected)."""
    return reverse("action", args=[action.recommendation.challenge.slug, action.pk])


class ActionPlanTable(tables.Table):
    reference = tables.Column(
        verbose_name="Ref.",
        accessor="action__reference",
        order_by=("action__recommendation__number", "action__reference"),
        attrs={"th": {"class": "pt-table-number"}},
    )
    recommendation = tables.Column(
        verbose_name="Recommendation",
        accessor="action__recommendation",
        order_by=("action__recommendation__number",),
    )
    theme = tables.Column(
        verbose_name="Theme",
        accessor="action__recommendation__theme__name",
        order_by=("theme_key", "action__recommendation__number"),
        default="–",
    )
    description = tables.Column(
        verbose_name="Action", orderable=False, attrs={"th": {"class": "pt-col-wide"}, "td": {"class": "pt-col-wide"}}
    )
    lead_officer = tables.Column(
        verbose_name="Lead officer",
        accessor="action__lead_officer",
        order_by=("officer_key",),
        default="Not assigned",
    )
    directorate = tables.Column(
        verbose_name="Directorate", accessor="action__directorate", default="–", order_by=("action__directorate",)
    )
    due_date = tables.Column(verbose_name="Due", default="No date", order_by=("due_key",))
    status = tables.Column(verbose_name="Status", accessor="status_label", order_by=("state_rank", "due_key"))
    rag = tables.Column(verbose_name="RAG rating", accessor="rating", order_by=("rating_rank", "due_key"))
    last_update_at = tables.Column(verbose_name="Last update", default="None yet", order_by=("update_key",))

    class Meta:
        sequence = (
            "reference",
            "recommendation",
            "theme",
            "description",
            "lead_officer",
            "directorate",
            "due_date",
            "status",
            "rag",
            "last_update_at",
        )
        order_by = ("reference",)
        empty_text = "No actions match these filters."
        # Stacked rows on a phone, the sort links above them (ADR 0024).
        attrs = {"id": "action-plan-table", "class": "govuk-table pt-stack-table pt-stack-table--sortable"}

    def __init__(self, *args: Any, as_of: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def render_reference(self, record: ActionThen) -> SafeString:
        return format_html('<a class="govuk-link" href="{}">{}</a>', action_url(record.action), record.action.reference)

    def render_recommendation(self, record: ActionThen) -> SafeString:
        recommendation = record.action.recommendation
        return format_html(
            '<a class="govuk-link" href="{}">{}. {}</a>',
            recommendation.get_absolute_url(),
            recommendation.number,
            recommendation.title,
        )

    def render_description(self, record: ActionThen, value: str) -> SafeString:
        words = value.split()
        text = " ".join(words[:24]) + (" …" if len(words) > 24 else "")
        if record.action.origin != Action.Origin.PROGRESS_REVIEW:
            return format_html("{}", text)
        # The same tag as the recommendation page: words, not the colour alone, say where it came from.
        return format_html(
            '{}<br><strong class="govuk-tag govuk-tag--purple pt-origin-tag govuk-!-margin-top-1">{}</strong>',
            text,
            Action.Origin.PROGRESS_REVIEW.label,
        )

    def render_lead_officer(self, value: Any) -> str:
        return value.get_full_name() or value.get_username()

    def render_due_date(self, record: ActionThen, value: dt.date) -> SafeString:
        overdue = record.overdue
        return format_html(
            '<span class="pt-nowrap">{}</span>{}',
            f"{value.day} {value:%b %Y}",
            mark_safe(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')  # nosec B308
            if overdue
            else "",
        )

    def render_rag(self, record: ActionThen) -> SafeString:
        return render_to_string("shared/rag_tag.html", {"rag": record.rating})

    def render_last_update_at(self, value: dt.datetime) -> SafeString:
        from django.utils import timezone

        day = timezone.localtime(value).date()
        return format_html('<span class="pt-nowrap">{}</span>', f"{day.day} {day:%b %Y}")
