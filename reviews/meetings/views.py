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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from peertrack.http import SignedInRequest
from recommendations.forms import long_date
from recommendations.models import PeerChallenge
from recommendations.setup import services
from recommendations.setup.sections import Editor, Section, edit
from recommendations.setup.views import coordinated_challenge
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
    sections = [
        open_section
        if open_section is not None and open_section.item.pk == meeting.pk
        else _section(challenge, meeting)
        for meeting in meetings
    ]
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
    challenge = coordinated_challenge(request, slug)
    if request.method == "POST":
        meeting = CommitteeMeeting(challenge=challenge)
        form = MeetingForm(request.POST, instance=meeting, prefix="new")
        if form.is_valid():
            if services.add_new(form=form, instance=meeting, by=request.user):
                messages.success(request, f"Recorded the meeting: {meeting}.")
                return redirect(f"{reverse('committee_meetings', args=[slug])}#meeting-{meeting.pk}")
        return _page(request, challenge, add_form=form)
    return _page(request, challenge)


def _meeting(challenge: PeerChallenge, meeting_id: int) -> CommitteeMeeting:
    try:
        return challenge.committee_meetings.get(pk=meeting_id)
    except CommitteeMeeting.DoesNotExist:
        raise Http404("No such meeting.") from None


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Changes a meeting's committee, date or agenda item."""
    challenge = coordinated_challenge(request, slug)
    item = _meeting(challenge, meeting_id)

    def draw(form: Any, note: str) -> Section:
        item.refresh_from_db()
        return _section(challenge, item, form, note)

    editor = Editor(
        challenge=challenge,
        title="the meeting",
        make_form=lambda data: MeetingForm(data, instance=item),
        save=lambda form: services.save_section(
            instance=item, changes=form.changes(), loaded=form.cleaned_data["loaded"], by=request.user
        ),
        section=draw,
        page=lambda section: _page(request, challenge, open_section=section),
        refresh=item.refresh_from_db,
    )
    return edit(request, editor)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_remove(request: SignedInRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Asks to confirm, then removes a meeting recorded by mistake (its history is kept)."""
    challenge = coordinated_challenge(request, slug)
    item = _meeting(challenge, meeting_id)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = str(item)
        item._history_user = request.user  # type: ignore[attr-defined]
        item.delete()
        messages.success(request, f"Removed the meeting: {name}.")
        return redirect("committee_meetings", slug)
    return render(request, "reviews/meetings/remove.html", {"challenge": challenge, "meeting": item, "form": form})
