"""Bringing a council's plan in and out: new challenges, pasted recommendations, spreadsheets.

Coordinators only: officers and scrutiny members get a 403, another council's users a
404, anonymous users the sign-in page. Every import shows a preview first and writes
nothing until it is confirmed; the confirmation re-reads and re-checks everything on
the server (see recommendations/imports.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from peertrack import inputs
from peertrack.http import SignedInRequest
from recommendations import access, imports, parsing, spreadsheets
from recommendations.models import Council, InvalidTransition, Membership, PeerChallenge

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
PASTE_MAX_LENGTH = 500_000


def _coordinated_council(request: HttpRequest, council_slug: str) -> Council:
    """Returns the council if the user coordinates it: 404 for others' councils, 403 for other roles."""
    council = get_object_or_404(Council.objects.visible_to(request.user), slug=council_slug)
    access.require_role(request, council, Membership.Role.COORDINATOR)
    return council


def _coordinated_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    challenge = access.get_challenge(request, slug)
    access.require_role(request, challenge.council, Membership.Role.COORDINATOR)
    return challenge


# --- a new challenge -------------------------------------------------------------------


class ChallengeForm(forms.ModelForm):
    # Years 1990 to 2100 only: a last day on site in 9999 broke every timetable (issue 12).
    onsite_start = inputs.DateField(
        label="First day on site", input_formats=DATE_FORMATS,
        error_messages={"required": "Enter the first day the peer team was on site",
                        "invalid": "Enter the first day on site as a date, like 15/01/2024"},
    )
    onsite_end = inputs.DateField(
        label="Last day on site", input_formats=DATE_FORMATS,
        error_messages={"required": "Enter the last day the peer team was on site",
                        "invalid": "Enter the last day on site as a date, like 18/01/2024"},
    )

    class Meta:
        model = PeerChallenge
        fields = ["title", "kind", "onsite_start", "onsite_end", "slug"]
        labels = {"title": "Title", "kind": "Kind of challenge", "slug": "Web address name"}
        error_messages = {
            "title": {"required": "Enter the challenge's title, like Corporate Peer Challenge 2024"},
            "slug": {"unique": "Another challenge already uses this web address name; choose "
                               "another", "invalid": "Use only letters, numbers and hyphens"},
        }

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.instance.council = council
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "The part of the web address after /challenges/, like "
            f"{council.slug}-2024. Left empty, one is made from the council and the title."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("slug") and cleaned.get("title"):
            base = slugify(f"{self.council.slug} {cleaned['title']}")[:70] or self.council.slug
            slug, n = base, 2
            while PeerChallenge.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            cleaned["slug"] = slug
            self.instance.slug = slug
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Creates a peer challenge for the council, then asks for its recommendations."""
    council = _coordinated_council(request, council_slug)
    form = ChallengeForm(request.POST if request.method == "POST" else None, council=council)
    if request.method == "POST" and form.is_valid():
        challenge = form.save()
        messages.success(request, f"{challenge.title} was created. Now add its recommendations.")
        return redirect("recommendations_import", challenge.slug)
    return render(request, "recommendations/challenge_create.html",
                  {"council": council, "form": form})


# --- recommendations from the report ---------------------------------------------------


def _paste_error(text: str) -> str:
    if not text.strip():
        return "Paste the “Key recommendations” section of the feedback report"
    if len(text) > PASTE_MAX_LENGTH:
        return (f"The text is {len(text):,} characters long; paste only the “Key recommendations” "
                f"section (up to {PASTE_MAX_LENGTH:,} characters)")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def recommendations_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Paste -> preview with editable titles -> confirm: creates or updates recommendations."""
    challenge = _coordinated_challenge(request, slug)
    text = request.POST.get("text", "")
    context: dict[str, Any] = {"challenge": challenge, "text": text}
    if request.method == "GET" or request.POST.get("step") == "edit":
        return render(request, "recommendations/import_recommendations.html", context)

    error = _paste_error(text)
    result = None
    if not error:
        try:
            result = parsing.parse_recommendations(text)
        except parsing.RecommendationParseError as problem:
            error = str(problem).rstrip(".")
    if result is None:
        context["error"] = error
        return render(request, "recommendations/import_recommendations.html", context)

    title_errors: dict[int, str] = {}
    if request.POST.get("step") == "confirm":
        for recommendation in result.recommendations:
            title = " ".join(request.POST.get(f"title_{recommendation.number}", "").split())
            if not title:
                title_errors[recommendation.number] = (
                    f"Enter a title for recommendation {recommendation.number}")
            elif len(title) > parsing.TITLE_MAX_LENGTH:
                title_errors[recommendation.number] = (
                    f"The title of recommendation {recommendation.number} must be "
                    f"{parsing.TITLE_MAX_LENGTH} characters or fewer")
            recommendation.title = title or recommendation.title
        if not title_errors:
            outcomes = imports.apply_recommendations(
                challenge=challenge, recommendations=result.recommendations)
            created = sum(1 for outcome in outcomes if outcome.kind == "new")
            changed = sum(1 for outcome in outcomes if outcome.kind == "changed")
            if created or changed:
                messages.success(request, f"Recommendations added: {created}; updated: {changed}.")
            else:
                messages.success(request, "Nothing changed: the recommendations were already "
                                          "as pasted.")
            return redirect(challenge)
    outcomes = imports.plan_recommendations(challenge=challenge,
                                            recommendations=result.recommendations)
    context.update({
        "rows": [
            {"recommendation": recommendation, "outcome": outcome,
             "error": title_errors.get(recommendation.number, "")}
            for recommendation, outcome in zip(result.recommendations, outcomes, strict=True)
        ],
        "warnings": result.warnings,
        "title_errors": title_errors,
        "created": sum(1 for outcome in outcomes if outcome.kind == "new"),
        "changed": sum(1 for outcome in outcomes if outcome.kind == "changed"),
    })
    return render(request, "recommendations/import_recommendations_preview.html", context)


# --- action plans from spreadsheets ----------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Action plan spreadsheet",
        error_messages={"required": "Choose the action plan spreadsheet (.xlsx or .csv)",
                        "empty": "The file is empty. Choose the action plan spreadsheet"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Checked before reading a byte of it, so a huge file costs nothing more.
        if upload.size > spreadsheets.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the most peertrack accepts "
                f"is {spreadsheets.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Remove other sheets or "
                "images and upload it again"
            )
        return upload


def _preview(request: HttpRequest, challenge: PeerChallenge, plan: imports.ActionPlanImport,
             token: str = "", notice: str = "") -> HttpResponse:
    return render(request, "recommendations/import_action_plan_preview.html", {
        "challenge": challenge, "plan": plan, "token": token, "notice": notice,
        "counts": {"new": plan.count("new"), "changed": plan.count("changed"),
                   "unchanged": plan.count("unchanged")},
    })


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_import(request: SignedInRequest, slug: str) -> HttpResponse:
    """Upload an action plan spreadsheet and see, row by row, what importing it would do."""
    challenge = _coordinated_challenge(request, slug)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = imports.read_and_plan(challenge=challenge, data=data, filename=upload.name)
        except spreadsheets.SpreadsheetError as problem:
            form.add_error("file", str(problem).rstrip("."))
        else:
            token = ""
            if plan.ok:
                token = imports.UploadStore().save(data=data, filename=upload.name,
                                                   user_id=request.user.pk,
                                                   challenge_id=challenge.pk)
            return _preview(request, challenge, plan, token)
    return render(request, "recommendations/import_action_plan.html",
                  {"challenge": challenge, "form": form,
                   "max_megabytes": spreadsheets.MAX_UPLOAD_BYTES // (1024 * 1024)})


@login_required
@require_http_methods(["POST"])
def action_plan_import_confirm(request: SignedInRequest, slug: str) -> HttpResponse:
    """Imports the previewed upload in one transaction, after checking it again."""
    challenge = _coordinated_challenge(request, slug)
    store = imports.UploadStore()
    token = request.POST.get("token", "")
    try:
        data, filename = store.load(token=token, user_id=request.user.pk, challenge_id=challenge.pk)
    except imports.UploadExpired:
        messages.error(request, "That upload could not be found or has expired. Nothing was "
                                "imported: upload the spreadsheet again.")
        return redirect("action_plan_import", challenge.slug)
    try:
        plan = imports.apply_action_plan(
            challenge=challenge, data=data, filename=filename, by=request.user,
            expected_fingerprint=request.POST.get("fingerprint", ""),
        )
    except imports.PlanChanged:
        plan = imports.read_and_plan(challenge=challenge, data=data, filename=filename)
        return _preview(request, challenge, plan, token if plan.ok else "",
                        notice="The action plan changed after you saw the preview, so nothing "
                               "was imported. Check the rows below again before confirming.")
    except (imports.ImportRejected, spreadsheets.SpreadsheetError, IntegrityError, InvalidTransition):
        # Rolled back: a file error, or a write the database refused (a race with another edit).
        plan = None
    if plan is None:
        try:
            replanned = imports.read_and_plan(challenge=challenge, data=data, filename=filename)
        except spreadsheets.SpreadsheetError as problem:
            messages.error(request, f"Nothing was imported: {problem}")
            return redirect("action_plan_import", challenge.slug)
        return _preview(request, challenge, replanned, "",
                        notice="Nothing was imported: the spreadsheet has the errors below.")
    store.discard(token)
    if plan.changes_anything:
        messages.success(request, (
            f"The action plan was imported: {plan.count('new')} new, {plan.count('changed')} "
            f"changed and {plan.count('unchanged')} unchanged actions; "
            f"{plan.progress_updates} progress updates recorded."
        ))
    else:
        messages.success(request, "Nothing changed: the action plan already matched the "
                                  "spreadsheet.")
    return redirect(challenge)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _recommendation_list(challenge: PeerChallenge) -> list[tuple[int, str]]:
    return list(challenge.recommendations.order_by("number").values_list("number", "title"))


@login_required
@require_GET
def action_plan_template(request: HttpRequest, slug: str) -> HttpResponse:
    """Downloads an empty action plan workbook with each column explained."""
    challenge = _coordinated_challenge(request, slug)
    content = spreadsheets.build_template(recommendations=_recommendation_list(challenge))
    return _xlsx_response(content, f"{challenge.slug}-action-plan-template.xlsx")


@login_required
@require_GET
def action_plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Downloads the whole action plan as a workbook in the template's layout."""
    challenge = _coordinated_challenge(request, slug)
    content = spreadsheets.build_export(rows=imports.export_rows(challenge),
                                        recommendations=_recommendation_list(challenge))
    today: dt.date = timezone.localdate()
    return _xlsx_response(content, f"{challenge.slug}-action-plan-{today:%Y-%m-%d}.xlsx")

