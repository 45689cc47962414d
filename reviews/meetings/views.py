"""Committee meetings of a challenge: coordinators record, change and remove them.

The dashboards' "since the last committee" and the committee packs read these meetings.
Coordinators of the challenge's council only (403 for other members and guests, 404 for
other councils); an archived challenge takes no change. Editing in place works as on the
other set-up pages (`recommendations.setup.sections`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from peertrack.http import SignedInRequest, succeeded
from peertrack.routing import CHALLENGE, Routes
from recommendations.forms import long_date
from recommendations.models import PeerChallenge
from recommendations.setup.sections import ItemList, Section, item_sections
from reviews.meetings.forms import MeetingForm, RemoveForm
from reviews.models import CommitteeMeeting

routes = Routes(CHALLENGE + "setup/meetings/")

TEMPLATE = "reviews/meetings/meetings.html"
LAYOUT = (("field", "committee"), ("date", "meeting_date", "Date of the meeting"), ("field", "item"))


def _section(challenge: PeerChallenge, meeting: CommitteeMeeting, form: Any = None, note: str = "") -> Section:
    return Section(
        key=f"meeting-{meeting.pk}",
        title=f"{meeting.committee}, {long_date(meeting.meeting_date)}",
        level=3,
        rows=[("Agenda item", meeting.item or "Not recorded")],
        edit_url=reverse("committee_meeting", args=[challenge.slug, meeting.pk]),
        page_url=reverse("committee_meetings", args=[challenge.slug]),
        form=form,
        note=note,
        layout=LAYOUT,
        extra="reviews/meetings/_remove.html",
        item=meeting,
    )


def _page(
    request: SignedInRequest, challenge: PeerChallenge, *, add_form: Any = None, open_section: Section | None = None
) -> HttpResponse:
    today = timezone.localdate()
    meetings = list(challenge.committee_meetings.order_by("meeting_date", "committee"))
    sections = item_sections(meetings, lambda meeting: _section(challenge, meeting), open_section)
    return render(
        request,
        TEMPLATE,
        {
            "challenge": challenge,
            "sections": sections,
            "editing": open_section,
            "add_form": add_form or MeetingForm(instance=CommitteeMeeting(challenge=challenge), prefix="new"),
            "add_layout": LAYOUT,
            "past": sum(meeting.meeting_date <= today for meeting in meetings),
            "upcoming": sum(meeting.meeting_date > today for meeting in meetings),
        },
    )


MEETINGS = ItemList(
    model=CommitteeMeeting,
    form_class=MeetingForm,
    title="the meeting",
    new=lambda challenge: CommitteeMeeting(challenge=challenge),
    section=_section,
    page=_page,
    added=lambda meeting: (
        f"Recorded the meeting: {meeting}.",
        f"{reverse('committee_meetings', args=[meeting.challenge.slug])}#meeting-{meeting.pk}",
    ),
)

# `meetings` lists the challenge's committee meetings, a POST recording another; `meeting` changes one's
# committee, date or agenda item.
meetings = routes.page("", name="committee_meetings")(MEETINGS.add)
meeting = routes.page("<id:meeting_id>/", name="committee_meeting")(MEETINGS.edit)


@routes.page("<id:meeting_id>/remove/", name="committee_meeting_remove")
def meeting_remove(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Asks to confirm, then removes a meeting recorded by mistake (its history is kept)."""
    challenge, item = MEETINGS.get(request, slug, meeting_id)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = str(item)
        item._history_user = request.user  # type: ignore[attr-defined]
        item.delete()
        return succeeded(request, f"Removed the meeting: {name}.", "committee_meetings", slug)
    return render(request, "reviews/meetings/remove.html", {"challenge": challenge, "meeting": item, "form": form})
