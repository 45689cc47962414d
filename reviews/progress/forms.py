"""Forms for the progress review pages.

Each form only offers this challenge's peers, recommendations and people, and
turns anything else into a field error in plain English, never a server error.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.db.models import Model
from django.utils import timezone

from peertrack import inputs
from recommendations.forms import DatePartsForm, offer, person_name, text_field
from recommendations.models import Action, Membership, PeerChallenge, PeerTeamMember, Recommendation
from reviews.models import ProgressReview, ReviewTheme

TEXT_MAX_LENGTH = 20_000


_text = partial(text_field, required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)
_line = partial(text_field, max_length=200, single_line=True)


def _one_of(model: type[Model], label: str, *, missing: str, invalid: str) -> forms.ModelChoiceField:
    """Returns a required choice of one `model` row, with no empty option; the form's `__init__`
    offers the rows this challenge allows (`offer`), and `invalid` refuses any other."""
    return forms.ModelChoiceField(label=label, queryset=model._default_manager.none(), empty_label=None,
                                  error_messages={"required": missing, "invalid_choice": invalid})


class _DateForm(DatePartsForm):
    """A form with GOV.UK date inputs; `date_fields` names them with their labels."""

    date_fields: tuple[tuple[str, str, bool], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        super().__init__(*args, **kwargs)
        for name, _label, _required in self.date_fields:
            self.fields.update(self.date_parts_fields(name))
            value = initial.get(name)
            if isinstance(value, dt.date):
                for part in ("day", "month", "year"):
                    self.initial[f"{name}_{part}"] = getattr(value, part)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, label, required in self.date_fields:
            cleaned[name] = self.clean_date_parts(name, label, required=required)
        return cleaned

    def refuse_past(self, name: str, message: str) -> None:
        """Adds `message` as the error of date `name` when it is before today."""
        day = self.cleaned_data.get(name)
        if day and day < timezone.localdate():
            self.add_error(f"{name}_day", message)

    @property
    def dates(self) -> dict[str, dict[str, Any]]:
        """Returns, per date, its three boxes and their errors, for templates/reviews/review_date_input.html."""
        result = {}
        for name, _label, _required in self.date_fields:
            parts = [self[f"{name}_{part}"] for part in ("day", "month", "year")]
            result[name] = {"parts": parts, "errors": [error for part in parts for error in part.errors]}
        return result


class PeersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ScheduleForm(_DateForm):
    """The review's date (suggested: 10 months after the challenge) and the returning peers."""

    date_fields = (("review_date", "Date of the progress review", True),)

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        self.challenge = challenge
        super().__init__(*args, **kwargs)
        self.fields["peers"] = PeersField(
            label="Returning peers", queryset=challenge.peer_team.all(), required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The members of the original peer team who are coming back.",
            error_messages={"invalid_choice": "Select returning peers from the peer team",
                            "invalid_pk_value": "Select returning peers from the peer team"},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        review_date = cleaned.get("review_date")
        if review_date and review_date <= self.challenge.onsite_end:
            self.add_error("review_date_day", "The progress review must be after the last day on site, "
                                              f"{self.challenge.onsite_end:%-d %B %Y}")
        return cleaned


class ThemeForm(forms.Form):
    """A theme heading the peers use, the recommendations it covers, and their feedback under it."""

    name = _line("Theme heading", missing="Enter the theme heading",
                 help_text="As the peers word it, for example \"Finance and the MTFS\".")
    recommendations = forms.ModelMultipleChoiceField(
        label="Recommendations this theme covers", queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one recommendation this theme covers",
                        "invalid_choice": "Select recommendations from the list",
                        "invalid_pk_value": "Select recommendations from the list"},
    )
    feedback = _text("The peers' feedback under this theme",
                     help_text="Their narrative, as written in the progress review report. "
                               "Leave empty until the review has happened.")
    mapping_note = _text("Note on the mapping", max_length=2000,
                         help_text="Why a recommendation is placed under this theme, if it is not obvious.")

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["recommendations"], challenge.recommendations.order_by("number"),
              lambda rec: f"{rec.number}. {rec.title}")

    @classmethod
    def initial_for(cls, theme: ReviewTheme) -> dict[str, Any]:
        return {"name": theme.name, "recommendations": list(theme.recommendations.all()),
                "feedback": theme.feedback, "mapping_note": theme.mapping_note}


class FeedbackForm(_DateForm):
    """The peers' overall feedback and final thoughts, and when the LGA published the report."""

    date_fields = (("report_published_on", "Date the report was published", False),)

    overall_feedback = _text("The peers' overall feedback")
    final_thoughts = _text("Final thoughts and next steps")

    def __init__(self, *args: Any, review: ProgressReview, **kwargs: Any) -> None:
        self.review = review
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        published = cleaned.get("report_published_on")
        if published and published < self.review.review_date:
            self.add_error("report_published_on_day", "The report cannot be published before the review, "
                                                      f"{self.review.review_date:%-d %B %Y}")
        elif published and published > timezone.localdate():
            self.add_error("report_published_on_day", "The publication date cannot be in the future")
        return cleaned


class StatementForm(forms.Form):
    """The council-level introduction and one paragraph per recommendation."""

    introduction = _text("Introduction", help_text="The council's overview of progress since the challenge.")

    def __init__(self, *args: Any, recommendations: list[Recommendation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        for rec in recommendations:
            self.fields[self.field_name(rec)] = _text(f"{rec.number}. {rec.title}")

    @staticmethod
    def field_name(recommendation: Recommendation) -> str:
        return f"paragraph_{recommendation.pk}"

    def paragraph_fields(self) -> list[tuple[Recommendation, forms.BoundField]]:
        return [(rec, self[self.field_name(rec)]) for rec in self.recommendations]

    def paragraphs(self) -> dict[int, str]:
        return {rec.pk: self.cleaned_data.get(self.field_name(rec), "") for rec in self.recommendations}


class EvidenceForm(forms.Form):
    """A link to an evidence document, about one recommendation or the whole statement."""

    title = _line("Document title", missing="Enter the document's title")
    url = forms.URLField(label="Link", max_length=500, assume_scheme="https",
                         help_text="The address where the peers can open it, starting https://",
                         error_messages={"required": "Enter the link to the document",
                                         "invalid": "Enter a link like https://www.example.gov.uk/report.pdf"})
    recommendation = forms.ModelChoiceField(
        label="Evidence for", queryset=Recommendation.objects.none(), required=False,
        empty_label="The statement as a whole",
        error_messages={"invalid_choice": "Select a recommendation from the list"},
    )

    def __init__(self, *args: Any, challenge: PeerChallenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["recommendation"], challenge.recommendations.order_by("number"),
              lambda rec: f"Recommendation {rec.number}: {rec.title}")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a link starting https://")
        return url


def _people_who_may_lead(challenge: PeerChallenge) -> Any:
    return Action.possible_lead_officers(
        challenge.council_id, roles=[Membership.Role.OFFICER, Membership.Role.COORDINATOR],
    ).order_by("first_name", "last_name", "username")


class FollowUpActionForm(_DateForm):
    """A new action arising from the peers' feedback on one theme."""

    date_fields = (("due_date", "Due date", False),)

    recommendation = _one_of(Recommendation, "Recommendation", missing="Select the recommendation the action answers",
                             invalid="Select one of the recommendations this theme covers")
    description = _text("What the council will do", required=True, missing="Describe the action",
                        max_length=5000)
    reference = inputs.SingleLineField(label="Reference", max_length=20, required=False, strip=True,
                                help_text="Leave empty to number it after the recommendation's last action.",
                                error_messages={"max_length": "Reference must be 20 characters or fewer"})

    def __init__(self, *args: Any, theme: ReviewTheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["recommendation"], theme.recommendations.order_by("number"),
              lambda rec: f"{rec.number}. {rec.title}")
        people = _people_who_may_lead(theme.review.challenge)
        lead = forms.ModelChoiceField(
            label="Lead officer", queryset=people, required=False, empty_label="Not assigned yet",
            error_messages={"invalid_choice": "Select a lead officer from the list"},
        )
        offer(lead, people, person_name)
        self.fields["lead_officer"] = lead

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.refuse_past("due_date", "The due date must be today or later")
        return cleaned


class GuestInviteForm(_DateForm):
    """Invite a returning peer to read the challenge until a chosen date."""

    date_fields = (("expires_on", "Last day of access", True),)

    peer = _one_of(PeerTeamMember, "Returning peer", missing="Select the peer to invite",
                   invalid="Select a peer from the list")
    email = forms.EmailField(label="Email address", max_length=254,
                             help_text="We send the sign-in details here.",
                             error_messages={"required": "Enter the peer's email address",
                                             "invalid": "Enter an email address like name@example.gov.uk"})

    def __init__(self, *args: Any, review: ProgressReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        peers = review.returning_peers.all()
        if not peers.exists():
            peers = review.challenge.peer_team.all()
        offer(self.fields["peer"], peers)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.refuse_past("expires_on", "The last day of access must be today or in the future")
        return cleaned
