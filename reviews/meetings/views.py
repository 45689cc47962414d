"""Committee meetings of a challenge: coordinators record, change and remove them.

The dashboards' "since the last committee" and the committee packs read these meetings.
Coordinators of the challenge's council only (403 for other members and guests, 404 for
other councils); an archived challenge takes no change. Editing in place works as on the
other set-up pages (`recommendations.setup.sections`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from peertrack.http import SignedInRequest
from recommendations import access
from recommendations.forms import long_date
from recommendations.models import PeerChallenge
from recommendations.setup.sections import Section, add_item, edit, item_editor, item_sections
from reviews.meetings.forms import MeetingForm, RemoveForm
from reviews.models import CommitteeMeeting

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


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: SignedInRequest, slug: str) -> HttpResponse:
    """Lists the challenge's committee meetings; a POST records another."""
    challenge = access.coordinated_challenge(request, slug)
    meeting = CommitteeMeeting(challenge=challenge)
    return add_item(
        request,
        MeetingForm,
        meeting,
        note=lambda: f"Recorded the meeting: {meeting}.",
        location=lambda: f"{reverse('committee_meetings', args=[slug])}#meeting-{meeting.pk}",
        page=lambda form: _page(request, challenge, add_form=form),
    )


def _meeting(challenge: PeerChallenge, meeting_id: int) -> CommitteeMeeting:
    return get_object_or_404(challenge.committee_meetings, pk=meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Changes a meeting's committee, date or agenda item."""
    challenge = access.coordinated_challenge(request, slug)
    item = _meeting(challenge, meeting_id)
    editor = item_editor(request, item, MeetingForm, challenge=challenge, title="the meeting",
                         section=lambda form, note: _section(challenge, item, form, note),
                         page=lambda section: _page(request, challenge, open_section=section))
    return edit(request, editor)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_remove(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Asks to confirm, then removes a meeting recorded by mistake (its history is kept)."""
    challenge = access.coordinated_challenge(request, slug)
    item = _meeting(challenge, meeting_id)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = str(item)
        item._history_user = request.user  # type: ignore[attr-defined]
        item.delete()
        messages.success(request, f"Removed the meeting: {name}.")
        return redirect("committee_meetings", slug)
    return render(request, "reviews/meetings/remove.html", {"challenge": challenge, "meeting": item, "form": form})
