"""The form of a committee meeting: the committee, the date and the agenda item."""

from __future__ import annotations

from typing import Any

from django import forms

from recommendations.forms import long_date
from recommendations.setup.forms import SectionForm, line
from reviews.models import CommitteeMeeting


class MeetingForm(SectionForm):
    """A meeting of a committee that has the challenge or its action plan on its agenda.

    The date is typed in three boxes; a meeting before the first day on site cannot be about
    the plan, and one committee meets once a day (`meeting_recorded_once`).
    """

    fields_edited = ("committee", "meeting_date", "item")
    date_fields = (("meeting_date", "Date of the meeting"),)

    committee = line(
        "Committee",
        missing="Enter the committee, like Scrutiny Co-ordination Committee",
        help_text="For example Scrutiny Co-ordination Committee, Cabinet or Council.",
    )
    item = line(
        "Agenda item",
        required=False,
        max_length=300,
        help_text="As the agenda words it, for example Peer Review Progress Update.",
    )

    def date_required(self, name: str) -> bool:
        return True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        meeting: CommitteeMeeting = self.instance  # type: ignore[assignment]
        challenge = meeting.challenge
        day, committee = cleaned.get("meeting_date"), cleaned.get("committee")
        if day is not None and day < challenge.onsite_start:
            self.add_error(
                "meeting_date_day",
                f"The meeting cannot be before the first day on site, {long_date(challenge.onsite_start)}",
            )
        elif day is not None and committee:
            taken = CommitteeMeeting.objects.filter(
                challenge=challenge, committee__iexact=committee, meeting_date=day
            ).exclude(pk=meeting.pk)
            if taken.exists():
                self.add_error(
                    "meeting_date_day",
                    f"{committee} already has a meeting on {long_date(day)} recorded for this challenge",
                )
        return cleaned


class RemoveForm(forms.Form):
    """Confirms removing a meeting recorded by mistake."""

    confirm = forms.BooleanField(error_messages={"required": "Tick the box to confirm the meeting should be removed"})
