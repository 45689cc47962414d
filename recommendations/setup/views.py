"""The challenge set-up pages: details, themes, the council's responses and the peer team.

Coordinators of the challenge's council only: other members and guests get a 403, another
council's users a 404, anonymous users the sign-in page. An archived challenge is shown
but takes no change (`access.get_challenge` refuses every POST). Each part is edited in
place (`sections.edit`): with htmx the form is swapped into the page, without
JavaScript the "Change" link opens the same form on its own page. Committee meetings
are the reviews app's (`reviews/meetings/`), as `recommendations` never imports `reviews`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import retarget

from peertrack import idempotency
from peertrack.http import SignedInRequest
from peertrack.routing import CHALLENGE, Routes
from recommendations import access
from recommendations.forms import long_date
from recommendations.models import PeerChallenge, PeerTeamMember, Recommendation, Theme
from recommendations.setup import forms, services
from recommendations.setup.sections import Editor, ItemList, Section, edit, item_editor, item_sections

routes = Routes(CHALLENGE + "setup/")

NOT_RECORDED = "Not recorded"


def _day(day: Any) -> str:
    return long_date(day) if day else NOT_RECORDED


def _page(request: SignedInRequest, template: str, challenge: PeerChallenge, **context: Any) -> HttpResponse:
    return render(request, f"recommendations/setup/{template}", {"challenge": challenge, **context})


# --- the overview --------------------------------------------------------------------------


@routes.get("", name="challenge_setup")
def overview(request: SignedInRequest, slug: str) -> HttpResponse:
    """Lists each part of the challenge's set-up with what is recorded and what is still missing."""
    challenge = access.coordinated_challenge(request, slug)
    parts = services.overview(challenge)
    return _page(request, "overview.html", challenge, parts=parts, done=sum(part.done for part in parts))


# --- challenge details ----------------------------------------------------------------------


DETAILS = ("visit", "figures", "report", "publication")
DETAIL_TITLES = {
    "visit": "The challenge",
    "figures": "The visit in figures",
    "report": "The feedback report",
    "publication": "Publication",
}
# What a section holds, in words, for "Saved ..." and "Someone else changed ...".
DETAIL_NOTES = {
    "visit": "the challenge's title, kind and dates",
    "figures": "the visit in figures",
    "report": "the feedback report",
    "publication": "the publication dates",
}
DETAIL_FORMS: dict[str, type[forms.SectionForm]] = {
    "visit": forms.VisitForm,
    "figures": forms.FiguresForm,
    "report": forms.ReportForm,
    "publication": forms.PublicationForm,
}
DETAIL_LAYOUTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "visit": (
        ("field", "title"),
        ("field", "kind"),
        ("date", "onsite_start", "First day on site"),
        ("date", "onsite_end", "Last day on site"),
    ),
    "figures": (
        ("field", "people_spoken_to"),
        ("field", "meetings_held"),
        ("field", "hours_on_site"),
        ("field", "figures_note"),
    ),
    "report": (
        ("date", "feedback_report_date", "Feedback report received"),
        ("date", "feedback_report_published_on", "Feedback report published"),
        ("field", "feedback_report_url"),
    ),
    "publication": (("date", "action_plan_published_on", "Action plan published"),),
}


def _detail_rows(challenge: PeerChallenge, key: str, review: Any) -> list[tuple[str, Any]]:
    if key == "visit":
        return [
            ("Title", challenge.title),
            ("Kind", challenge.get_kind_display()),
            ("On site", f"{long_date(challenge.onsite_start)} to {long_date(challenge.onsite_end)}"),
        ]
    if key == "figures":

        def figure(value: int | None) -> str:
            return NOT_RECORDED if value is None else f"{value:,}"

        return [
            ("People spoken to", figure(challenge.people_spoken_to)),
            ("Meetings, interviews and focus groups", figure(challenge.meetings_held)),
            ("Hours spent by the peer team", figure(challenge.hours_on_site)),
            ("In the report's words", challenge.figures_note or NOT_RECORDED),
        ]
    if key == "report":
        return [
            ("Feedback report received", _day(challenge.feedback_report_date)),
            ("Feedback report published", _day(challenge.feedback_report_published_on)),
            ("Feedback report link", challenge.feedback_report_url or NOT_RECORDED),
        ]
    rows: list[tuple[str, Any]] = [("Action plan published", _day(challenge.action_plan_published_on))]
    if review is not None:
        rows.append(("Progress review report published", _day(review.report_published_on)))
    else:
        rows.append(
            (
                "Progress review report published",
                "Recorded once the progress review is scheduled, on the Progress review page",
            )
        )
    return rows


def _detail_section(challenge: PeerChallenge, key: str, review: Any, form: Any = None, note: str = "") -> Section:
    layout = DETAIL_LAYOUTS[key]
    if key == "publication" and review is not None:
        layout = (*layout, ("date", "review_report_published_on", "Progress review report published"))
    return Section(
        key=f"section-{key}",
        title=DETAIL_TITLES[key],
        rows=_detail_rows(challenge, key, review),
        edit_url=reverse(f"setup_details_{key}", args=[challenge.slug]),
        page_url=reverse("setup_details", args=[challenge.slug]),
        form=form,
        layout=layout,
        note=note,
    )


@routes.get("details/", name="setup_details")
def details(request: SignedInRequest, slug: str) -> HttpResponse:
    """Shows the challenge's details, each part with a link to change it."""
    challenge = access.coordinated_challenge(request, slug)
    review = services.latest_review(challenge)
    sections = [_detail_section(challenge, key, review) for key in DETAILS]
    return _page(request, "details.html", challenge, sections=sections, review=review)


def details_section(request: SignedInRequest, slug: str, section: str) -> HttpResponse:
    """Changes one part of the challenge's details (the URL names the part)."""
    challenge = access.coordinated_challenge(request, slug)
    review = services.latest_review(challenge) if section == "publication" else None
    form_class = DETAIL_FORMS[section]

    def make_form(data: Any) -> Any:
        if section == "publication":
            return forms.PublicationForm(data, instance=challenge, review=review)
        return form_class(data, instance=challenge)

    def save(form: Any) -> bool:
        with transaction.atomic():
            changed = services.save_section(
                instance=challenge, changes=form.changes(), loaded=form.cleaned_data["loaded"], by=request.user
            )
            if review is not None:
                changed = (
                    services.save_section(
                        instance=review,
                        changes={"report_published_on": form.cleaned_data["review_report_published_on"]},
                        loaded=form.cleaned_data.get("review_loaded", ""),
                        by=request.user,
                    )
                    or changed
                )
        return changed

    def refresh() -> None:
        challenge.refresh_from_db()
        if review is not None:
            review.refresh_from_db()

    def draw(form: Any, note: str) -> Section:
        refresh()
        return _detail_section(challenge, section, review, form, note)

    def page(open_section: Section) -> HttpResponse:
        sections = [open_section if key == section else _detail_section(challenge, key, review) for key in DETAILS]
        return _page(request, "details.html", challenge, sections=sections, review=review, editing=open_section)

    editor = Editor(
        challenge=challenge,
        title=DETAIL_NOTES[section],
        make_form=make_form,
        save=save,
        section=draw,
        page=page,
        refresh=refresh,
        hidden=("loaded", "review_loaded"),
    )
    return edit(request, editor)


# Each part of the details has its own address, named "setup_details_<part>" (declared once each; the view is
# guarded the first time).
for part in DETAILS:
    details_section = routes.page(f"details/{part}/", name=f"setup_details_{part}", kwargs={"section": part})(
        details_section
    )


# --- themes ---------------------------------------------------------------------------------


def _themes(challenge: PeerChallenge) -> list[Theme]:
    return list(
        challenge.themes.order_by("kind", "position", "name", "pk").prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("number"))
        )
    )


def _theme_section(challenge: PeerChallenge, theme: Theme, form: Any = None, note: str = "") -> Section:
    numbers = ", ".join(str(recommendation.number) for recommendation in theme.recommendations.all())
    return Section(
        key=f"theme-{theme.pk}",
        title=theme.name,
        level=3,
        rows=[
            ("Kind", theme.get_kind_display()),
            ("Description", theme.description or "None"),
            ("Recommendations", numbers or "None yet"),
        ],
        edit_url=reverse("setup_theme", args=[challenge.slug, theme.pk]),
        page_url=reverse("setup_themes", args=[challenge.slug]),
        form=form,
        note=note,
        layout=(("field", "name"), ("field", "kind"), ("field", "description")),
        change_label="Rename or change",
        extra="recommendations/setup/_theme_move.html",
        item=theme,
    )


def _new_theme(challenge: PeerChallenge) -> Theme:
    return Theme(challenge=challenge, kind=Theme.Kind.CORE_COMPONENT)


def _themes_page(
    request: SignedInRequest, challenge: PeerChallenge, *, open_section: Section | None = None, **bound: Any
) -> HttpResponse:
    """Returns the themes page with `open_section` being changed; `bound` holds its forms bound to a refused
    POST (`add_form`, `assign_form`)."""
    themes = _themes(challenge)
    sections = item_sections(themes, lambda theme: _theme_section(challenge, theme), open_section)
    return _page(
        request,
        "themes.html",
        challenge,
        sections=sections,
        add_form=bound.get("add_form") or forms.ThemeForm(instance=_new_theme(challenge), prefix="new"),
        **_assignment(challenge, bound.get("assign_form")),
        editing=open_section,
    )


def _assignment(challenge: PeerChallenge, form: Any = None) -> dict[str, Any]:
    """Returns what the table that puts recommendations under themes shows: its form, each recommendation
    with its theme, and how many have none."""
    recommendations = list(
        Recommendation.objects.filter(challenge=challenge).select_related("theme").order_by("number")
    )
    return {
        "assign_form": form or forms.AssignForm(challenge=challenge, prefix="assign"),
        "recommendations": recommendations,
        "unassigned": sum(recommendation.theme_id is None for recommendation in recommendations),
    }


THEMES = ItemList(
    model=Theme,
    form_class=forms.ThemeForm,
    title="the theme",
    new=_new_theme,
    section=_theme_section,
    page=_themes_page,
    added=lambda theme: (
        f"Added the theme “{theme.name}”.",
        f"{reverse('setup_themes', args=[theme.challenge.slug])}#theme-{theme.pk}",
    ),
    # A new theme goes last among the themes of its kind.
    siblings=lambda challenge, data: challenge.themes.filter(kind=data["kind"]),
)

# `themes` lists the challenge's themes, a POST adding one; `theme` renames one or changes its kind or description.
themes = routes.page("themes/", name="setup_themes")(THEMES.add)
theme = routes.page("themes/<id:theme_id>/", name="setup_theme")(THEMES.edit)


@routes.post("themes/<id:theme_id>/move/", name="setup_theme_move")
def theme_move(request: SignedInRequest, slug: str, theme_id: int) -> HttpResponse:
    """Moves a theme one place up or down among the themes of its kind."""
    challenge, item = THEMES.get(request, slug, theme_id)
    form = forms.MoveForm(request.POST)
    location = f"{reverse('setup_themes', args=[slug])}#theme-{item.pk}"
    if not form.is_valid():
        note, level = str(form.errors["direction"][0]), messages.ERROR
    elif services.move_theme(theme=item, direction=form.cleaned_data["direction"], by=request.user):
        note, level = f"Moved “{item.name}” {form.cleaned_data['direction']}.", messages.SUCCESS
    else:
        where = "first" if form.cleaned_data["direction"] == "up" else "last"
        note, level = f"“{item.name}” is already {where} among the {item.get_kind_display().lower()}s.", messages.INFO
    if request.htmx:
        idempotency.finished(request, location)
        return _themes_list(request, challenge, focus=item.pk, status=note)
    messages.add_message(request, level, note)
    return redirect(location)


def _themes_list(
    request: SignedInRequest, challenge: PeerChallenge, *, focus: int | None = None, status: str = ""
) -> HttpResponse:
    """The htmx answer that redraws the list of themes (and the assignment table)."""
    themes = _themes(challenge)
    return render(
        request,
        "recommendations/setup/themes.html#theme-list",
        {
            "challenge": challenge,
            "sections": [_theme_section(challenge, theme) for theme in themes],
            **_assignment(challenge),
            "focus": focus,
            "status": status,
        },
    )


@routes.post("themes/assign/", name="setup_theme_assign")
def theme_assign(request: SignedInRequest, slug: str) -> HttpResponse:
    """Puts the ticked recommendations under one theme (or under none)."""
    challenge = access.coordinated_challenge(request, slug)
    form = forms.AssignForm(request.POST, challenge=challenge, prefix="assign")
    if not form.is_valid():
        if request.htmx:
            context = {"challenge": challenge, **_assignment(challenge, form)}
            return render(request, "recommendations/setup/themes.html#assign", context)
        return _themes_page(request, challenge, assign_form=form)
    target = form.cleaned_data["theme"]
    chosen = form.cleaned_data["recommendations"]
    moved = services.assign_theme(challenge=challenge, recommendations=chosen, theme=target, by=request.user)
    where = f"under “{target.name}”" if target is not None else "under no theme"
    note = (
        f"Put {moved} recommendation{'s' if moved != 1 else ''} {where}."
        if moved
        else f"Nothing was changed: the recommendations you ticked were already {where}."
    )
    location = f"{reverse('setup_themes', args=[slug])}#assign"
    if request.htmx:
        idempotency.finished(request, location)
        # The answer redraws the whole list (the themes' recommendations changed), not just the form.
        return retarget(_themes_list(request, challenge, status=note), "#theme-list")
    messages.success(request, note)
    return redirect(location)


# --- the council's responses and the recommendations' text ----------------------------------


def _recommendation(challenge: PeerChallenge, number: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("theme"), challenge=challenge, number=number)


@routes.get("responses/", name="setup_responses")
def responses(request: SignedInRequest, slug: str) -> HttpResponse:
    """Lists the recommendations with the council's response to each."""
    challenge = access.coordinated_challenge(request, slug)
    recommendations = list(
        Recommendation.objects.filter(challenge=challenge)
        .select_related("theme")
        .annotate(action_count=Count("actions"))
        .order_by("number")
    )
    recorded = sum(item.response != Recommendation.Response.NOT_RECORDED for item in recommendations)
    return _page(request, "responses.html", challenge, recommendations=recommendations, recorded=recorded)


def _response_sections(challenge: PeerChallenge, recommendation: Recommendation) -> dict[str, Section]:
    page_url = reverse("setup_response", args=[challenge.slug, recommendation.number])
    response_rows: list[tuple[str, Any]] = [("Response", recommendation.get_response_display())]
    if recommendation.response_reasons:
        response_rows.append(("Reasons", recommendation.response_reasons))
    response_rows.append(("Narrative", recommendation.response_narrative or NOT_RECORDED))
    points = recommendation.sub_points or []
    return {
        "response": Section(
            key="section-response",
            title="The council's response",
            rows=response_rows,
            edit_url=reverse("setup_response_edit", args=[challenge.slug, recommendation.number]),
            page_url=page_url,
            layout=(("field", "response"), ("field", "response_reasons"), ("field", "response_narrative")),
        ),
        "text": Section(
            key="section-text",
            title="The recommendation",
            page_url=page_url,
            rows=[
                ("Title", recommendation.title),
                ("Text", recommendation.text),
                ("Sub-points", "\n".join(str(point) for point in points) or "None"),
            ],
            edit_url=reverse("setup_recommendation_text", args=[challenge.slug, recommendation.number]),
            layout=(("field", "title"), ("field", "text"), ("field", "sub_points")),
        ),
    }


def _recommendation_editor(request: SignedInRequest, challenge: PeerChallenge, number: int, key: str) -> Editor:
    recommendation = _recommendation(challenge, number)
    form_class = forms.ResponseForm if key == "response" else forms.RecommendationTextForm

    def draw(form: Any, note: str) -> Section:
        section = _response_sections(challenge, recommendation)[key]
        section.form, section.note = form, note
        return section

    def page(open_section: Section) -> HttpResponse:
        sections = _response_sections(challenge, recommendation)
        sections[key] = open_section
        return _response_page(request, challenge, recommendation, sections, editing=open_section)

    return item_editor(
        request,
        recommendation,
        form_class,
        challenge=challenge,
        title="the council's response" if key == "response" else f"recommendation {number}'s text",
        section=draw,
        page=page,
    )


def _response_page(
    request: SignedInRequest,
    challenge: PeerChallenge,
    recommendation: Recommendation,
    sections: dict[str, Section],
    editing: Section | None = None,
) -> HttpResponse:
    numbers = list(
        Recommendation.objects.filter(challenge=challenge).order_by("number").values_list("number", flat=True)
    )
    index = numbers.index(recommendation.number)
    return _page(
        request,
        "response.html",
        challenge,
        recommendation=recommendation,
        sections=[sections["response"], sections["text"]],
        editing=editing,
        previous=numbers[index - 1] if index > 0 else None,
        next=numbers[index + 1] if index + 1 < len(numbers) else None,
    )


@routes.get("responses/<id:number>/", name="setup_response")
def response(request: SignedInRequest, slug: str, number: int) -> HttpResponse:
    """Shows one recommendation's response and text, each with a link to change it."""
    challenge = access.coordinated_challenge(request, slug)
    recommendation = _recommendation(challenge, number)
    return _response_page(request, challenge, recommendation, _response_sections(challenge, recommendation))


@routes.page("responses/<id:number>/response/", name="setup_response_edit")
def response_edit(request: SignedInRequest, slug: str, number: int) -> HttpResponse:
    """Changes the council's response to a recommendation: accepted or not, its reasons, its narrative."""
    challenge = access.coordinated_challenge(request, slug)
    return edit(request, _recommendation_editor(request, challenge, number, "response"))


@routes.page("responses/<id:number>/text/", name="setup_recommendation_text")
def recommendation_text(request: SignedInRequest, slug: str, number: int) -> HttpResponse:
    """Changes a recommendation's title, text and sub-points."""
    challenge = access.coordinated_challenge(request, slug)
    return edit(request, _recommendation_editor(request, challenge, number, "text"))


# --- the peer team --------------------------------------------------------------------------


def _peer_section(
    challenge: PeerChallenge, peer: PeerTeamMember, returned: set[int] | None, form: Any = None, note: str = ""
) -> Section:
    rows: list[tuple[str, Any]] = [
        ("Role", peer.role or NOT_RECORDED),
        ("Organisation", peer.organisation or NOT_RECORDED),
    ]
    if returned is not None:
        rows.append(("Returned for the progress review", "Yes" if peer.pk in returned else "No"))
    return Section(
        key=f"peer-{peer.pk}",
        title=peer.name,
        level=3,
        rows=rows,
        edit_url=reverse("setup_peer", args=[challenge.slug, peer.pk]),
        page_url=reverse("setup_peer_team", args=[challenge.slug]),
        form=form,
        note=note,
        layout=(("field", "name"), ("field", "role"), ("field", "organisation")),
        item=peer,
    )


def _returned(review: Any) -> set[int] | None:
    if review is None:
        return None
    return set(review.returning_peers.values_list("pk", flat=True))


def _peer_team_page(
    request: SignedInRequest, challenge: PeerChallenge, *, open_section: Section | None = None, **bound: Any
) -> HttpResponse:
    """Returns the peer team page with `open_section` being changed; `bound` holds its forms bound to a
    refused POST (`add_form`, `returned_form`)."""
    review = services.latest_review(challenge)
    returned = _returned(review)
    team = list(challenge.peer_team.order_by("position", "name"))
    sections = item_sections(team, lambda peer: _peer_section(challenge, peer, returned), open_section)
    return _page(
        request,
        "peer_team.html",
        challenge,
        sections=sections,
        review=review,
        add_form=bound.get("add_form") or forms.PeerForm(instance=PeerTeamMember(challenge=challenge), prefix="new"),
        returned_form=bound.get("returned_form")
        or forms.ReturnedForm(
            team=challenge.peer_team.order_by("position", "name"),
            initial={"peers": sorted(returned or ())},
            prefix="returned",
        ),
        returned=returned,
        editing=open_section,
    )


def _changed_peer_section(challenge: PeerChallenge, peer: PeerTeamMember, form: Any, note: str) -> Section:
    """Returns the section of a peer being changed, reading whether they returned for the progress review."""
    return _peer_section(challenge, peer, _returned(services.latest_review(challenge)), form, note)


def _peer_added(peer: PeerTeamMember) -> tuple[str, str]:
    # The page opens at the add form again, for the next member.
    return f"Added {peer.name} to the peer team.", f"{reverse('setup_peer_team', args=[peer.challenge.slug])}#add"


PEER_TEAM = ItemList(
    model=PeerTeamMember,
    form_class=forms.PeerForm,
    title="the peer's details",
    new=lambda challenge: PeerTeamMember(challenge=challenge),
    section=_changed_peer_section,
    page=_peer_team_page,
    added=_peer_added,
    siblings=lambda challenge, data: challenge.peer_team.all(),
)

# `peer_team` lists the peer team, a POST adding a member; `peer` changes a peer's name, role or organisation.
peer_team = routes.page("peer-team/", name="setup_peer_team")(PEER_TEAM.add)
peer = routes.page("peer-team/<id:peer_id>/", name="setup_peer")(PEER_TEAM.edit)


@routes.post("peer-team/returned/", name="setup_peers_returned")
def peers_returned(request: SignedInRequest, slug: str) -> HttpResponse:
    """Records which members of the peer team returned for the progress review."""
    challenge = access.coordinated_challenge(request, slug)
    review = services.latest_review(challenge)
    location = f"{reverse('setup_peer_team', args=[slug])}#returned"
    if review is None:
        messages.error(
            request,
            "No progress review is scheduled yet, so nobody can have returned for it. "
            "Schedule it on the Progress review page first.",
        )
        return redirect(location)
    form = forms.ReturnedForm(request.POST, team=challenge.peer_team.order_by("position", "name"), prefix="returned")
    if not form.is_valid():
        return _peer_team_page(request, challenge, returned_form=form)
    added, removed = services.set_returned(review=review, peers=form.cleaned_data["peers"], by=request.user)
    count = len(form.cleaned_data["peers"])
    note = (
        f"Recorded {count} peer{'s' if count != 1 else ''} as returning for the progress review of "
        f"{long_date(review.review_date)}."
        if added or removed
        else "Nothing was changed."
    )
    messages.success(request, note)
    return redirect(location)
