"""Pages for the progress review: scheduling, the position statement, the peers' feedback, guests.

Everyone who may see the challenge may read the review (officers, scrutiny members,
administrators and invited guest peers); only coordinators change anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from peertrack.absolute_urls import request_origin
from peertrack.http import form_page, succeeded
from peertrack.routing import CHALLENGE, Routes
from recommendations import access
from recommendations import rag as rag_rules
from recommendations.asof import plan_as_at
from recommendations.models import Action, GuestAccess, Membership, Recommendation
from reviews.models import ProgressReview, ReturningPeer, ReviewTheme, StatementEvidence
from reviews.progress import services
from reviews.progress.forms import (
    EvidenceForm,
    FeedbackForm,
    FollowUpActionForm,
    GuestInviteForm,
    ScheduleForm,
    StatementForm,
    ThemeForm,
)
from reviews.progress.pdf import render_statement_pdf

routes = Routes(CHALLENGE + "progress-review/")
review_routes = routes.under("<id:pk>/")

COORDINATOR = Membership.Role.COORDINATOR


def _review(request: HttpRequest, slug: str, pk: int) -> tuple[ProgressReview, str]:
    """Returns the review and the user's role; 404 unless the user may see its challenge."""
    challenge = access.get_challenge(request, slug)
    reviews = ProgressReview.objects.select_related("statement_approved_by")
    review = get_object_or_404(reviews, challenge=challenge, pk=pk)
    review.challenge = challenge
    return review, access.role_in(request, challenge.council) or ""


def _coordinated_review(request: HttpRequest, slug: str, pk: int) -> ProgressReview:
    """Returns the review for a coordinator of its council; 404 outside it, 403 for other roles."""
    review, _role = _review(request, slug, pk)
    access.require_role(request, review.challenge.council, COORDINATOR)
    return review


def _theme(review: ProgressReview, theme_pk: int) -> ReviewTheme:
    theme = get_object_or_404(ReviewTheme, review=review, pk=theme_pk)
    theme.review = review
    return theme


def _posted(request: HttpRequest) -> Any:
    """Returns the POST data for a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form, on the field it names where the form has it (a date's
    on the date's day box)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = f"{field}_day" if f"{field}_day" in form.fields else field
            for problem in errors:
                form.add_error(target if target in form.fields else None, problem.message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _form_view(
    request: HttpRequest,
    form: Any,
    template: str,
    save: Callable[[dict[str, Any]], tuple[str, str]],
    *,
    review: ProgressReview | None = None,
    **context: Any,
) -> HttpResponse:
    """Returns the page `template` with `form` and `context` (and, on a review's page, the review and its
    challenge). A valid POST is handed to `save`, which returns the note to show and the address to go to;
    a ValidationError it raises is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            note, location = save(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return succeeded(request, note, location)
    if review is not None:
        context.update(challenge=review.challenge, review=review)
    return form_page(request, template, {**context, "form": form}, form)


def _frozen(request: HttpRequest, review: ProgressReview, error: services.StatementFrozen) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(review.get_absolute_url())


def _date_hint(suggested: dt.date) -> str:
    return (f"The LGA suggests about 10 months after the challenge: {suggested:%-d %B %Y}. "
            f"For example, {suggested:%-d %-m %Y}")


@routes.get("", name="review_index")
def review_index(request: HttpRequest, slug: str) -> HttpResponse:
    """Lists the challenge's progress reviews; coordinators can schedule one at the suggested date."""
    challenge = access.get_challenge(request, slug)
    role = access.role_in(request, challenge.council)
    reviews = list(ProgressReview.objects.filter(challenge=challenge).order_by("-review_date"))
    context = {"challenge": challenge, "reviews": reviews, "can_coordinate": role == COORDINATOR,
               "suggested_date": ProgressReview.suggested_date(challenge),
               "deadline": ProgressReview(challenge=challenge).report_deadline}
    return render(request, "reviews/review_index.html", context)


@routes.page("schedule/", name="review_schedule")
def review_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Schedules a progress review: the date (10 months after the challenge unless changed) and the peers."""
    challenge = access.get_challenge(request, slug)
    access.require_role(request, challenge.council, COORDINATOR)
    initial = {"review_date": ProgressReview.suggested_date(challenge)}
    form = ScheduleForm(_posted(request), challenge=challenge, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        review = services.schedule_review(challenge=challenge, review_date=data["review_date"],
                                          peers=data["peers"], by=request.user)
        return ("Progress review scheduled. The position statement has been drafted from the latest "
                "progress updates.", review.get_absolute_url())

    return _form_view(request, form, "reviews/review_schedule.html", save,
                      challenge=challenge, date_hint=_date_hint(initial["review_date"]))


@review_routes.page("edit/", name="review_edit")
def review_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Changes the review's date and returning peers."""
    review = _coordinated_review(request, slug, pk)
    challenge = review.challenge
    initial = {"review_date": review.review_date, "peers": list(review.returning_peers.all())}
    form = ScheduleForm(_posted(request), challenge=challenge, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.reschedule_review(review=review, review_date=data["review_date"], peers=data["peers"],
                                   by=request.user)
        return "The review's date and peers have been saved.", review.get_absolute_url()

    return _form_view(request, form, "reviews/review_schedule.html", save, review=review,
                      date_hint=_date_hint(ProgressReview.suggested_date(challenge)))


def _rag_maps(review: ProgressReview) -> dict[str, dict[int, tuple[str, str]]]:
    """Returns each recommendation's RAG at the challenge, at the position statement and now, from
    one picture, each with why it had none ("" when it had one; `RecommendationThen.why_not_rated`)."""
    now = plan_as_at(review.challenge, timeline=True)
    plans = {"challenge": now.earlier(review.challenge.onsite_end), "statement": now.earlier(review.statement_date),
             "now": now}
    return {column: {then.pk: (then.rating, then.why_not_rated) for then in plan.recommendations}
            for column, plan in plans.items()}


@review_routes.get("", name="review_detail")
def review_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Shows the review: date, peers, deadline, and per theme the council's position beside the
    peers' feedback, with each recommendation's RAG at the challenge, at the statement and now."""
    review, role = _review(request, slug, pk)
    challenge = review.challenge
    peers = list(ReturningPeer.objects.filter(review=review).select_related("member"))
    content = services.statement_content(review)
    entries = {entry["recommendation_id"]: entry for entry in content["entries"]}
    rags = _rag_maps(review)
    themes = list(
        ReviewTheme.objects.filter(review=review).prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("number")),
            Prefetch("follow_up_actions", queryset=Action.objects.select_related(
                "lead_officer", "recommendation").order_by("reference")),
        )
    )

    def row(rec: Recommendation) -> dict[str, Any]:
        unknown = (rag_rules.NOT_RATED, "No action had been recorded for it by then.")
        (rag_challenge, why_challenge), (rag_statement, why_statement), (rag_now, why_now) = (
            rags[column].get(rec.pk, unknown) for column in ("challenge", "statement", "now"))
        return {"recommendation": rec, "entry": entries.get(rec.pk),
                "rag_challenge": rag_challenge, "why_challenge": why_challenge,
                "rag_statement": rag_statement, "why_statement": why_statement,
                "rag_now": rag_now, "why_now": why_now}

    mapped: set[int] = set()
    theme_rows = []
    for theme in themes:
        recs = list(theme.recommendations.all())
        mapped.update(rec.pk for rec in recs)
        theme_rows.append({"theme": theme, "rows": [row(rec) for rec in recs],
                           "actions": list(theme.follow_up_actions.all())})
    unmapped = [row(rec) for rec in Recommendation.objects.filter(challenge=challenge).order_by("number")
                if rec.pk not in mapped]
    context = {
        "challenge": challenge, "review": review, "peers": peers, "content": content,
        "themes": theme_rows, "unmapped": unmapped, "role": role, "can_coordinate": role == COORDINATOR,
        "deadline_status": review.report_deadline_status(),
        "guest_count": GuestAccess.objects.active().filter(challenge=challenge).count()
        if role == COORDINATOR else 0,
        "rule_text": rag_rules.RULE_TEXT,
    }
    return render(request, "reviews/review_detail.html", context)


@review_routes.page("themes/new/", name="review_theme_add")
@review_routes.page("themes/<id:theme_pk>/", name="review_theme")
def review_theme(request: HttpRequest, slug: str, pk: int, theme_pk: int | None = None) -> HttpResponse:
    """Adds or changes a theme heading, the recommendations it covers and the peers' feedback under it."""
    review = _coordinated_review(request, slug, pk)
    theme = _theme(review, theme_pk) if theme_pk is not None else None
    initial = ThemeForm.initial_for(theme) if theme else {}
    form = ThemeForm(_posted(request), challenge=review.challenge, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.save_theme(review=review, theme=theme, by=request.user, **data)
        return f"Theme \"{data['name']}\" saved.", review.get_absolute_url() + "#themes"

    return _form_view(request, form, "reviews/review_theme.html", save, review=review, theme=theme)


@review_routes.page("feedback/", name="review_feedback")
def review_feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Records the peers' overall feedback, final thoughts and the report's publication date."""
    review = _coordinated_review(request, slug, pk)
    initial = {"overall_feedback": review.overall_feedback, "final_thoughts": review.final_thoughts,
               "report_published_on": review.report_published_on}
    form = FeedbackForm(_posted(request), review=review, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.record_feedback(review=review, by=request.user, **{
            key: data[key] for key in ("overall_feedback", "final_thoughts", "report_published_on")})
        return "The peers' feedback has been saved.", review.get_absolute_url()

    return _form_view(request, form, "reviews/review_feedback.html", save, review=review,
                      deadline_text=f"{review.report_deadline:%-d %B %Y}, 12 months after the challenge. "
                                    f"For example, {review.review_date:%-d %-m %Y}")


def _statement_page(request: HttpRequest, review: ProgressReview, *, form: StatementForm | None = None,
                    evidence_form: EvidenceForm | None = None, status: int = 200) -> HttpResponse:
    recommendations = list(Recommendation.objects.filter(challenge=review.challenge).order_by("number"))
    content = services.statement_content(review)
    if form is None:
        initial = {"introduction": review.statement_introduction}
        initial.update({StatementForm.field_name(rec): entry["text"]
                        for rec, entry in zip(recommendations, content["entries"], strict=False)
                        if entry["recommendation_id"] == rec.pk})
        form = StatementForm(recommendations=recommendations, initial=initial)
    evidence = list(StatementEvidence.objects.filter(review=review).select_related("recommendation"))
    context = {
        "challenge": review.challenge, "review": review, "form": form, "content": content,
        "evidence": evidence,
        "evidence_form": evidence_form or EvidenceForm(challenge=review.challenge, prefix="evidence"),
        "demo_numbers": [entry["number"] for entry in content["entries"] if entry["is_demo"]],
    }
    return render(request, "reviews/review_statement.html", context, status=status)


@review_routes.page("statement/", name="statement_edit")
def statement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordinator's draft of the position statement: introduction, paragraphs, evidence links."""
    review = _coordinated_review(request, slug, pk)
    if request.method == "GET":
        return _statement_page(request, review)
    recommendations = list(Recommendation.objects.filter(challenge=review.challenge).order_by("number"))
    form = StatementForm(request.POST, recommendations=recommendations)
    if not form.is_valid():
        return _statement_page(request, review, form=form, status=400)
    try:
        changed = services.save_statement(review=review, introduction=form.cleaned_data["introduction"],
                                          paragraphs=form.paragraphs(), by=request.user)
    except services.StatementFrozen as error:
        return _frozen(request, review, error)
    except ValidationError as error:
        _apply_errors(form, error)
        return _statement_page(request, review, form=form, status=400)
    note = "Draft saved." if changed or form.has_changed() else "No changes to save."
    return succeeded(request, note, "statement_edit", review.challenge.slug, review.pk)


@review_routes.post("statement/prefill/", name="statement_prefill")
def statement_prefill(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Fills empty paragraphs (or, when asked, every paragraph) from each action's latest update."""
    review = _coordinated_review(request, slug, pk)
    replace = request.POST.get("replace") == "all"
    try:
        written = services.prefill_statement(review=review, by=request.user, replace=replace)
    except services.StatementFrozen as error:
        return _frozen(request, review, error)
    if written:
        messages.success(request, f"{written} paragraph{'s' if written != 1 else ''} drafted from the "
                                  "latest progress updates.")
    else:
        messages.info(request, "Every recommendation already has a paragraph; nothing was replaced.")
    return redirect(reverse("statement_edit", args=[review.challenge.slug, review.pk]))


@review_routes.post("statement/evidence/", name="statement_evidence_add")
def statement_evidence_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Adds a link to an evidence document to the draft statement."""
    review = _coordinated_review(request, slug, pk)
    form = EvidenceForm(request.POST, challenge=review.challenge, prefix="evidence")
    if form.is_valid():
        try:
            services.add_evidence(review=review, by=request.user, **form.cleaned_data)
        except services.StatementFrozen as error:
            return _frozen(request, review, error)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return succeeded(request, f"Evidence \"{form.cleaned_data['title']}\" added.",
                             reverse("statement_edit", args=[review.challenge.slug, review.pk]) + "#evidence")
    return _statement_page(request, review, evidence_form=form, status=400)


@review_routes.post("statement/evidence/<id:evidence_pk>/remove/", name="statement_evidence_remove")
def statement_evidence_remove(request: HttpRequest, slug: str, pk: int, evidence_pk: int) -> HttpResponse:
    """Removes an evidence link from the draft statement."""
    review = _coordinated_review(request, slug, pk)
    evidence = get_object_or_404(StatementEvidence, review=review, pk=evidence_pk)
    try:
        services.remove_evidence(evidence=evidence, by=request.user)
    except services.StatementFrozen as error:
        return _frozen(request, review, error)
    return succeeded(request, f"Evidence \"{evidence.title}\" removed.",
                     reverse("statement_edit", args=[review.challenge.slug, review.pk]) + "#evidence")


@review_routes.page("statement/approve/", name="statement_approve")
def statement_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Asks the coordinator to confirm, then approves and freezes the position statement."""
    review = _coordinated_review(request, slug, pk)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            services.approve_statement(review=review, by=request.user)
        except services.StatementFrozen as error:
            return _frozen(request, review, error)
        except ValidationError as error:
            # For shared/error_summary.html: the message links back to the statement to finish it.
            edit_url = reverse("statement_edit", args=[review.challenge.slug, review.pk])
            errors = [{"text": " ".join(error.messages), "href": edit_url}]
        else:
            return succeeded(request, "Position statement approved. Its text is now fixed.", review)
    content = services.statement_content(review)
    missing = [entry for entry in content["entries"] if not entry["text"].strip()]
    today = timezone.localdate()
    context = {"challenge": review.challenge, "review": review, "content": content, "missing": missing,
               "errors": errors, "today": today,
               # Approving after the review is allowed (a late record), but the coordinator is told.
               "after_review": review.review_date < today}
    return render(request, "reviews/review_approve.html", context, status=400 if errors else 200)


@review_routes.get("position-statement.pdf", name="statement_pdf")
def statement_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Returns the position statement as a PDF in the committee packs' house style."""
    review, _role = _review(request, slug, pk)
    pdf = render_statement_pdf(review)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{review.challenge.slug}-position-statement-{review.review_date:%Y-%m-%d}.pdf"')
    return response


@review_routes.page("themes/<id:theme_pk>/actions/new/", name="follow_up_action_add")
def follow_up_action_add(request: HttpRequest, slug: str, pk: int, theme_pk: int) -> HttpResponse:
    """Adds an action arising from the peers' feedback on a theme to one of its recommendations."""
    review = _coordinated_review(request, slug, pk)
    theme = _theme(review, theme_pk)
    form = FollowUpActionForm(_posted(request), theme=theme)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        action = services.add_follow_up_action(
            theme=theme, recommendation=data["recommendation"], description=data["description"],
            lead_officer=data["lead_officer"], due_date=data["due_date"], reference=data["reference"],
            by=request.user)
        return (f"Action {action.reference} added to the action plan, arising from the progress review.",
                review.get_absolute_url() + f"#theme-{theme.pk}")

    return _form_view(request, form, "reviews/review_follow_up.html", save, review=review, theme=theme)


@review_routes.page("guests/", name="guest_list")
def guest_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Lists the guest peers' access and invites a returning peer to read the challenge until a date."""
    review = _coordinated_review(request, slug, pk)
    challenge = review.challenge
    review_day = review.review_date
    default_end = max(review_day, timezone.localdate()) + dt.timedelta(days=14)
    form = GuestInviteForm(_posted(request), review=review, initial={"expires_on": default_end})

    def save(data: dict[str, Any]) -> tuple[str, str]:
        guest, created = services.invite_guest(challenge=challenge, peer=data["peer"], email=data["email"],
                                               expires_on=data["expires_on"], by=request.user,
                                               origin=request_origin(request))
        what = "invited; an email with a link to choose a password is on its way" if created else (
            "can read the challenge until the new date")
        return (f"{data['peer'].name} {what}. Access ends after {guest.expires_on:%-d %B %Y}.",
                reverse("guest_list", args=[challenge.slug, review.pk]))

    # The guests are read as the page is drawn, after any invitation.
    guests = GuestAccess.objects.filter(challenge=challenge).select_related("user", "peer", "invited_by")
    return _form_view(request, form, "reviews/review_guests.html", save, review=review,
                      guests=guests, today=timezone.localdate())


@review_routes.post("guests/<id:access_pk>/end/", name="guest_end")
def guest_end(request: HttpRequest, slug: str, pk: int, access_pk: int) -> HttpResponse:
    """Ends a guest's access today."""
    review = _coordinated_review(request, slug, pk)
    guests = GuestAccess.objects.select_related("user", "peer")
    guest = get_object_or_404(guests, challenge=review.challenge, pk=access_pk)
    services.end_guest_access(access=guest, by=request.user)
    name = guest.peer.name if guest.peer else guest.user.get_username()
    return succeeded(request, f"{name}'s access has ended.", "guest_list", review.challenge.slug, review.pk)


class GuestSetPasswordView(auth_views.PasswordResetConfirmView):
    """The link in a guest's invitation: they choose a password, then sign in."""

    template_name = "reviews/review_guest_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Your password is set. Sign in with your username and new password.")
        return super().form_valid(form)
