"""The forms of the challenge set-up pages: details, themes, responses, the peer team.

Each form changes one part of one challenge and carries `loaded`, a fingerprint of that
part as the page showed it: if someone else saved it in the meantime, nothing is written
and the coordinator sees the values as they now stand (`services.save_section`). Every
message is for the person filling the form in; anything the page never offered (a theme
of another challenge, year 9999) is a field error, never a server error.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone

from peertrack import inputs
from recommendations.forms import DatePartsForm, long_date, text_field
from recommendations.models import PeerChallenge, PeerTeamMember, Recommendation, Theme
from recommendations.setup import services

TEXT_MAX_LENGTH = 20_000
# Numbers a visit's figures could plausibly reach; anything larger is a typing slip.
FIGURE_MAX = 100_000


line = partial(text_field, max_length=200, single_line=True)
_text = partial(text_field, required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)


def _radios(label: str, choices: Any, *, missing: str, invalid: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": invalid},
    )


class SectionForm(DatePartsForm):
    """A form that edits some fields of one stored object, guarded by the fingerprint it was loaded at.

    `fields_edited` names the object's fields; `date_fields` those of them typed in three
    boxes, with their labels. The initial values come from the object.
    """

    fields_edited: tuple[str, ...] = ()
    date_fields: tuple[tuple[str, str], ...] = ()

    loaded = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, instance: Model, **kwargs: Any) -> None:
        self.instance = instance
        initial = kwargs.setdefault("initial", {})
        for name in self.fields_edited:
            value = getattr(instance, name)
            if isinstance(value, dt.date):
                for part in ("day", "month", "year"):
                    initial.setdefault(f"{name}_{part}", getattr(value, part))
            elif value is not None:
                initial.setdefault(name, self.initial_value(name, value))
        initial.setdefault("loaded", services.fingerprint(instance, self.fields_edited))
        super().__init__(*args, **kwargs)
        for name, _label in self.date_fields:
            self.fields.update(self.date_parts_fields(name))

    def initial_value(self, name: str, value: Any) -> Any:
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, label in self.date_fields:
            cleaned[name] = self.clean_date_parts(name, label, required=self.date_required(name))
        return cleaned

    def date_required(self, name: str) -> bool:
        return False

    def parts(self, name: str) -> dict[str, Any]:
        """Returns the three boxes of date `name` as typed, for recommendations/action_date_input.html."""
        return self.date_parts(name)

    def changes(self) -> dict[str, Any]:
        """Returns the edited fields' new values, in the form the model stores them."""
        return {name: self.cleaned_data[name] for name in self.fields_edited}

    def unique_name(self, taken: str) -> str:
        """Returns the cleaned `name`, refusing with the message `taken` (its "{name}" filled in) a name that
        another item of the same challenge has, in any case."""
        name: str = self.cleaned_data["name"]
        others = type(self.instance)._default_manager.filter(
            challenge=self.instance.challenge_id, name__iexact=name  # type: ignore[attr-defined]
        )
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(taken.format(name=name))
        return name

    def not_in_future(self, name: str, label: str, today: dt.date | None = None) -> None:
        day = self.cleaned_data.get(name)
        today = today or timezone.localdate()
        if day is not None and day > today:
            self.add_error(f"{name}_day", f"{label} cannot be in the future: today is {long_date(today)}")


# --- challenge details ---------------------------------------------------------------------


class VisitForm(SectionForm):
    """The challenge's title, kind and days on site."""

    fields_edited = ("title", "kind", "onsite_start", "onsite_end")
    date_fields = (("onsite_start", "First day on site"), ("onsite_end", "Last day on site"))

    title = line("Title", missing="Enter the challenge's title, like Corporate Peer Challenge 2024")
    kind = _radios("Kind of challenge", PeerChallenge.Kind.choices, missing="Select the kind of challenge",
                   invalid="Select the kind of challenge from the list")

    def date_required(self, name: str) -> bool:
        return True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("onsite_start"), cleaned.get("onsite_end")
        challenge: PeerChallenge = self.instance  # type: ignore[assignment]
        if start and end and end < start:
            self.add_error("onsite_end_day", "The last day on site cannot be before the first")
        elif start and end and (end - start).days > 31:
            self.add_error("onsite_end_day", "A peer team is on site for days, not months: check the last day on site")
        elif end:
            received = [
                day
                for day in (challenge.feedback_report_date, challenge.feedback_report_published_on)
                if day is not None and day < end
            ]
            if received:
                self.add_error(
                    "onsite_end_day",
                    "The last day on site cannot be after the feedback report, "
                    f"{long_date(min(received))}: change the report's dates first",
                )
        return cleaned


def _figure(label: str, what: str, *, example: int) -> inputs.WholeNumberField:
    """A headline figure of the visit: a whole number from 0 to FIGURE_MAX, its errors naming `what`."""
    return inputs.WholeNumberField(
        label=label,
        required=False,
        min_value=0,
        max_value=FIGURE_MAX,
        error_messages={
            "invalid": f"Enter {what} as a whole number, like {example}",
            "min_value": f"{what[0].upper()}{what[1:]} cannot be below 0",
            "max_value": f"{what[0].upper()}{what[1:]} must be {FIGURE_MAX:,} or fewer",
        },
    )


class FiguresForm(SectionForm):
    """The visit in figures, as the feedback report gives them."""

    fields_edited = ("people_spoken_to", "meetings_held", "hours_on_site", "figures_note")

    people_spoken_to = _figure("People spoken to", "the number of people spoken to", example=250)
    meetings_held = _figure("Meetings, interviews and focus groups", "the number of meetings", example=60)
    hours_on_site = _figure("Hours spent by the peer team", "the hours", example=280)
    figures_note = _text("The figures in the report's own words", max_length=2000)


class ReportForm(SectionForm):
    """The feedback report: when it was received and published, and where to read it."""

    fields_edited = ("feedback_report_date", "feedback_report_published_on", "feedback_report_url")
    date_fields = (
        ("feedback_report_date", "Feedback report received"),
        ("feedback_report_published_on", "Feedback report published"),
    )

    feedback_report_url = forms.URLField(
        label="Feedback report link",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="The address where the published report can be read, starting https://",
        error_messages={
            "invalid": "Enter the link as a web address, like https://www.example.gov.uk/report.pdf",
            "max_length": "The link must be 200 characters or fewer",
        },
    )

    def clean_feedback_report_url(self) -> str:
        url: str = self.cleaned_data["feedback_report_url"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a link starting https://")
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        challenge: PeerChallenge = self.instance  # type: ignore[assignment]
        for name, label in self.date_fields:
            day = cleaned.get(name)
            if day is not None and day < challenge.onsite_end:
                self.add_error(
                    f"{name}_day", f"{label} cannot be before the last day on site, {long_date(challenge.onsite_end)}"
                )
            else:
                self.not_in_future(name, label)
        received, published = cleaned.get("feedback_report_date"), cleaned.get("feedback_report_published_on")
        if received and published and published < received and not self.has_error("feedback_report_date_day"):
            self.add_error("feedback_report_published_on_day", "The report cannot be published before it was received")
        return cleaned


class PublicationForm(SectionForm):
    """When the council published its action plan (and, once a review is held, the review's report)."""

    fields_edited = ("action_plan_published_on",)
    date_fields = (("action_plan_published_on", "Action plan published"),)

    def __init__(self, *args: Any, instance: Model, review: Any = None, **kwargs: Any) -> None:
        self.review = review
        initial = kwargs.setdefault("initial", {})
        published = review.report_published_on if review is not None else None
        if published is not None:
            for part in ("day", "month", "year"):
                initial.setdefault(f"review_report_published_on_{part}", getattr(published, part))
        super().__init__(*args, instance=instance, **kwargs)
        if review is not None:
            self.fields.update(self.date_parts_fields("review_report_published_on"))
            self.fields["review_loaded"] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                max_length=64,
                initial=services.fingerprint(review, ("report_published_on",)),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        challenge: PeerChallenge = self.instance  # type: ignore[assignment]
        published = cleaned.get("action_plan_published_on")
        if published is not None and published < challenge.onsite_end:
            self.add_error(
                "action_plan_published_on_day",
                f"The action plan cannot be published before the last day on site, {long_date(challenge.onsite_end)}",
            )
        else:
            self.not_in_future("action_plan_published_on", "The action plan's publication date")
        if self.review is not None:
            report = self.clean_date_parts(
                "review_report_published_on", "Progress review report published", required=False
            )
            cleaned["review_report_published_on"] = report
            if report is not None and report < self.review.review_date:
                self.add_error(
                    "review_report_published_on_day",
                    f"The report cannot be published before the review, {long_date(self.review.review_date)}",
                )
            else:
                self.not_in_future("review_report_published_on", "The report's publication date")
        return cleaned


# --- themes ---------------------------------------------------------------------------------


class ThemeForm(SectionForm):
    """A theme's name, kind (core component or extra area of focus) and description."""

    fields_edited = ("name", "kind", "description")

    name = line("Theme name", missing="Enter the theme's name, like Financial planning and management")
    kind = _radios("Kind of theme", Theme.Kind.choices,
                   missing="Select whether it is a core component or an extra area of focus",
                   invalid="Select the kind of theme from the list")
    description = _text("Description", max_length=2000)

    def clean_name(self) -> str:
        return self.unique_name("This challenge already has a theme called “{name}”: choose another name")


class AssignForm(forms.Form):
    """Puts several recommendations under one theme at once (or under none)."""

    NO_THEME = "none"

    recommendations = forms.ModelMultipleChoiceField(
        label="Recommendations",
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one recommendation to move",
            "invalid_choice": "Select recommendations of this challenge from the list",
            "invalid_pk_value": "Select recommendations of this challenge from the list",
        },
    )
    theme = forms.ChoiceField(
        label="Theme",
        error_messages={
            "required": "Select the theme to put them under",
            "invalid_choice": "Select a theme of this challenge from the list",
        },
    )

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.themes = list(challenge.themes.order_by("position", "pk"))
        field = self.fields["recommendations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Recommendation.objects.filter(challenge=challenge).order_by("number")
        theme_field = self.fields["theme"]
        assert isinstance(theme_field, forms.ChoiceField)
        theme_field.choices = [
            ("", "Choose a theme"),
            *((str(theme.pk), theme.name) for theme in self.themes),
            (self.NO_THEME, "No theme"),
        ]

    def clean_theme(self) -> Theme | None:
        value = self.cleaned_data["theme"]
        if value == self.NO_THEME:
            return None
        return next(theme for theme in self.themes if str(theme.pk) == value)


class MoveForm(forms.Form):
    """Moves a theme one place up or down the list."""

    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down")],
        error_messages={
            "required": "Choose whether to move the theme up or down",
            "invalid_choice": "Choose whether to move the theme up or down",
        },
    )


# --- recommendations: the council's response, the text --------------------------------------


class ResponseForm(SectionForm):
    """The council's response to one recommendation: accepted or not, its reasons and its narrative."""

    fields_edited = ("response", "response_reasons", "response_narrative")

    response = _radios("The council's response", Recommendation.Response.choices,
                       missing="Select the council's response", invalid="Select the council's response from the list")
    response_reasons = _text(
        "Reasons", max_length=5000, help_text="Needed when the recommendation is partly accepted or not accepted."
    )
    response_narrative = _text(
        "The council's response narrative",
        max_length=TEXT_MAX_LENGTH,
        help_text="As the council's published response words it.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("response") in Recommendation.Response.needing_reasons() and not cleaned.get("response_reasons"):
            self.add_error(
                "response_reasons",
                "Give the council's reasons when a recommendation is partly accepted or not accepted",
            )
        return cleaned


class RecommendationTextForm(SectionForm):
    """A recommendation's title, text and sub-points, as the feedback report gives them."""

    fields_edited = ("title", "text", "sub_points")

    title = line("Title", missing="Enter the recommendation's short title, like City Centre masterplan")
    text = _text("Text", required=True, missing="Enter the recommendation's text", max_length=TEXT_MAX_LENGTH)
    sub_points = _text(
        "Sub-points",
        max_length=TEXT_MAX_LENGTH,
        help_text="One sub-point a line, without its letter or bullet. Leave empty if it has none.",
    )

    def initial_value(self, name: str, value: Any) -> Any:
        if name == "sub_points":
            return "\n".join(str(point) for point in value)
        return value

    def clean_sub_points(self) -> list[str]:
        lines = [
            inputs.clean_text(line, multiline=False).strip() for line in self.cleaned_data["sub_points"].splitlines()
        ]
        points = [line for line in lines if line]
        if len(points) > 50:
            raise forms.ValidationError("A recommendation can have up to 50 sub-points")
        return points


# --- the peer team --------------------------------------------------------------------------


class PeerForm(SectionForm):
    """A member of the peer team: name, role and organisation."""

    fields_edited = ("name", "role", "organisation")

    name = line("Name", missing="Enter the peer's name")
    role = line(
        "Role on the peer team",
        required=False,
        max_length=300,
        help_text="For example Lead Peer, or Member Peer (Cabinet Member for Resources).",
    )
    organisation = line(
        "Organisation", required=False, help_text="Their council or the LGA, for example Local Government Association."
    )

    def clean_name(self) -> str:
        return self.unique_name("{name} is already on the peer team")


class ReturnedForm(forms.Form):
    """Which members of the peer team came back for a progress review."""

    peers = forms.ModelMultipleChoiceField(
        label="Who returned",
        queryset=PeerTeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select peers of this challenge's team from the list",
            "invalid_pk_value": "Select peers of this challenge's team from the list",
        },
    )

    def __init__(self, *args: Any, team: QuerySet[PeerTeamMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["peers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = team
