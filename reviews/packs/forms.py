"""The coordinator's form for a committee report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from peertrack import inputs
from reviews.models import CommitteeReport

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]


def _date_field(label: str, *, required: bool, hint: str) -> forms.DateField:
    # Years 1990 to 2100 only, in the digits 0 to 9 (peertrack/inputs.py).
    return inputs.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, for example 29/1/2025",
        },
    )


class CommitteeReportForm(forms.ModelForm):
    """Validates a report's sections; every message says in plain words what to fix."""

    meeting_date = _date_field("Meeting date", required=True, hint="For example, 29/1/2025")
    figures_as_of = _date_field(
        "Figures as at",
        required=False,
        hint="Leave empty to report the plan as it stands on the day the pack is issued. "
             "For example, 20/1/2025",
    )

    class Meta:
        model = CommitteeReport
        fields = [
            "committee", "meeting_date", "subject", "author_name", "author_job_title",
            "author_service_area", "author_contact", "figures_as_of", "purpose",
            "recommendations_to_committee", "key_risks", "next_steps",
        ]
        help_texts = {
            "purpose": "A blank line starts a new numbered paragraph. Lines starting with a "
                       "dash become a bulleted list.",
            "key_risks": "A blank line starts a new numbered paragraph. Overdue actions are "
                         "listed after this text automatically.",
            "next_steps": "A blank line starts a new numbered paragraph.",
        }
        error_messages = {
            "committee": {"required": "Enter the committee the report goes to"},
            "subject": {"required": "Enter the subject of the report"},
            "author_name": {"required": "Enter the name of the report author"},
            "purpose": {"required": "Enter the purpose of the report"},
            "recommendations_to_committee": {
                "required": "Enter at least one recommendation to the committee"
            },
            "key_risks": {"required": "Enter the key risks"},
            "next_steps": {"required": "Enter the next steps"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Dates are typed the way people write them, e.g. 29/1/2025.
            for name in ("meeting_date", "figures_as_of"):
                value = getattr(self.instance, name)
                if value:
                    self.initial[name] = f"{value.day}/{value.month}/{value.year}"
        for name, field in self.fields.items():
            if name in ("meeting_date", "figures_as_of"):
                field.widget.attrs.update({"class": "govuk-input govuk-input--width-10"})

    def clean_figures_as_of(self) -> Any:
        value = self.cleaned_data.get("figures_as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The figures cannot be as at a date in the future")
        return self._not_before_challenge(value, "The figures must be as at a date")

    def clean_recommendations_to_committee(self) -> str:
        value = self.cleaned_data.get("recommendations_to_committee", "")
        if not [line for line in value.splitlines() if line.strip()]:
            raise forms.ValidationError("Enter at least one recommendation to the committee")
        return value

    def clean_meeting_date(self) -> Any:
        return self._not_before_challenge(self.cleaned_data.get("meeting_date"), "The meeting date must be")

    def _not_before_challenge(self, value: Any, subject: str) -> Any:
        """Refuses a date before the challenge began: `subject` starts the message."""
        challenge = self.instance.challenge
        if value and challenge and value < challenge.onsite_start:
            raise forms.ValidationError(
                f"{subject} on or after the challenge began ({challenge.onsite_start:%-d %B %Y})")
        return value
