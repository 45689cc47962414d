"""The notification settings forms: a person's choices per kind, and a council's escalation weeks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from notifications.kinds import Delivery, KindSpec
from notifications.models import CouncilNotificationSettings, NotificationPreference
from peertrack import inputs


class PreferencesForm(forms.Form):
    """How the person wants to hear about each kind that applies to them (`specs`)."""

    def __init__(self, data: Any = None, *, specs: list[KindSpec], current: dict[str, str]) -> None:
        super().__init__(data)
        self.specs = specs
        for spec in specs:
            off_note = "" if spec.may_be_off else " This one cannot be turned off."
            self.fields[spec.kind] = forms.ChoiceField(
                label=spec.question, help_text=spec.hint, widget=forms.RadioSelect, initial=current[spec.kind],
                choices=[(choice.value, choice.label) for choice in spec.choices],
                error_messages={
                    "required": f"Choose how to hear about this: {spec.question[0].lower()}{spec.question[1:]}.",
                    "invalid_choice": f"Choose one of the options for: {spec.question[0].lower()}"
                                      f"{spec.question[1:]}.{off_note}",
                })

    def save(self, *, user: Any) -> None:
        """Stores every choice on the form, in one transaction."""
        with transaction.atomic():
            for spec in self.specs:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=spec.kind, defaults={"delivery": Delivery(self.cleaned_data[spec.kind])})


class CouncilSettingsForm(forms.Form):
    """After how many weeks without an update an action is escalated to the council's coordinators."""

    escalate_after_weeks = inputs.WholeNumberField(
        label="Tell the coordinators after how many weeks?",
        min_value=1, max_value=CouncilNotificationSettings.MOST_WEEKS,
        error_messages={
            "required": "Enter a number of weeks, from 1 to 12.",
            "invalid": "Enter the number of weeks as a whole number, like 3.",
            "min_value": "Enter at least 1 week.",
            "max_value": "Enter at most 12 weeks.",
        })

    def save(self, *, council: Any, by: Any) -> CouncilNotificationSettings:
        """Stores the weeks: one history record for each change, none when nothing changed."""
        weeks = self.cleaned_data["escalate_after_weeks"]
        with transaction.atomic():
            chosen, created = CouncilNotificationSettings.objects.select_for_update().get_or_create(
                council=council, defaults={"escalate_after_weeks": weeks})
            if not created and chosen.escalate_after_weeks != weeks:
                chosen.escalate_after_weeks = weeks
                chosen._history_user = by  # type: ignore[attr-defined]
                chosen.save(update_fields=["escalate_after_weeks"])
        return chosen
