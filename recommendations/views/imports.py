"""Bringing a council's plan in and out: new challenges, pasted recommendations, spreadsheets.

Coordinators only: officers and scrutiny members get a 403, another council's users a
404, anonymous users the sign-in page. Every import shows a preview first and writes
nothing until it is confirmed; the confirmation re-reads and re-checks everything on
the server (see recommendations/imports.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify

from peertrack import inputs
from peertrack.http import SignedInRequest
from peertrack.routing import CHALLENGE, COUNCIL, Routes
from recommendations import access, import_responses, import_values, imports, parsing, spreadsheets
from recommendations.forms import DatePartsForm, OneFileForm
from recommendations.models import (
    Council,
    ImportColumnMapping,
    InvalidTransition,
    Membership,
    PeerChallenge,
)

routes = Routes()
challenge_routes = routes.under(CHALLENGE)
council_routes = routes.under(COUNCIL)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASTE_MAX_LENGTH = 500_000


def _coordinated_council(request: HttpRequest, council_slug: str) -> Council:
    """Returns the council if the user coordinates it: 404 for others' councils, 403 for other roles."""
    council = get_object_or_404(Council.objects.visible_to(request.user), slug=council_slug)
    access.require_role(request, council, Membership.Role.COORDINATOR)
    return council


# --- a new challenge -------------------------------------------------------------------


class ChallengeForm(forms.ModelForm, DatePartsForm):
    """A new challenge: title, kind, web address name, and the days on site as GOV.UK date
    inputs (three boxes each; years 1990 to 2100 only, issue 12)."""

    class Meta:
        model = PeerChallenge
        fields = ["title", "kind", "slug"]
        labels = {"title": "Title", "kind": "Kind of challenge", "slug": "Web address name"}
        widgets = {"kind": forms.RadioSelect}  # drawn as radios by challenge_create.html
        error_messages = {
            "title": {"required": "Enter the challenge's title, like Corporate Peer Challenge 2024"},
            "slug": {
                "unique": "Another challenge already uses this web address name; choose another",
                "invalid": "Use only letters, numbers and hyphens",
            },
        }

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.instance.council = council
        self.fields.update(self.date_parts_fields("onsite_start"))
        self.fields.update(self.date_parts_fields("onsite_end"))
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "The part of the web address after /challenges/, like "
            f"{council.slug}-2024. Left empty, one is made from the council and the title."
        )

    def onsite_start_parts(self) -> dict[str, Any]:
        return self.date_parts("onsite_start")

    def onsite_end_parts(self) -> dict[str, Any]:
        return self.date_parts("onsite_end")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = self.clean_date_range(
            ("onsite_start", "First day on site", True),
            ("onsite_end", "Last day on site", True),
            backwards="The last day on site cannot be before the first",
        )
        if start and end and start <= end:
            self.instance.onsite_start, self.instance.onsite_end = start, end
        if not cleaned.get("slug") and cleaned.get("title"):
            base = slugify(f"{self.council.slug} {cleaned['title']}")[:70] or self.council.slug
            slug, n = base, 2
            while PeerChallenge.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            cleaned["slug"] = slug
            self.instance.slug = slug
        return cleaned

    def _post_clean(self) -> None:
        if self.instance.onsite_start is None or self.instance.onsite_end is None:
            # The dates were refused above: the model's own checks would only repeat it.
            self._validate_unique = False
            return
        super()._post_clean()  # type: ignore[misc]  # ModelForm's, via the MRO


@council_routes.page("challenges/new/", name="challenge_create")
def challenge_create(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Creates a peer challenge for the council, then asks for its recommendations."""
    council = _coordinated_council(request, council_slug)
    form = ChallengeForm(request.POST if request.method == "POST" else None, council=council)
    if request.method == "POST" and form.is_valid():
        challenge = form.save()
        messages.success(request, f"{challenge.title} was created. Now add its recommendations.")
        return redirect("recommendations_import", challenge.slug)
    return render(request, "recommendations/challenge_create.html", {"council": council, "form": form})


# --- recommendations from the report ---------------------------------------------------


def _paste_error(text: str) -> str:
    if not text.strip():
        return "Paste the “Key recommendations” section of the feedback report"
    if len(text) > PASTE_MAX_LENGTH:
        return (
            f"The text is {len(text):,} characters long; paste only the “Key recommendations” "
            f"section (up to {PASTE_MAX_LENGTH:,} characters)"
        )
    return ""


@challenge_routes.page("recommendations/import/", name="recommendations_import")
def recommendations_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Paste -> preview with editable titles -> confirm: creates or updates recommendations."""
    challenge = access.coordinated_challenge(request, slug)
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
    picked = request.POST.get("picked") == "1"
    included = {
        r.number for r in result.recommendations if not picked or request.POST.get(f"include_{r.number}") == "1"
    }
    pick_error = ""
    if request.POST.get("step") == "confirm":
        if not included:
            pick_error = "Tick at least one recommendation to import"
        for recommendation in result.recommendations:
            if recommendation.number not in included:
                continue
            title = " ".join(request.POST.get(f"title_{recommendation.number}", "").split())
            if not title:
                title_errors[recommendation.number] = f"Enter a title for recommendation {recommendation.number}"
            elif len(title) > parsing.TITLE_MAX_LENGTH:
                title_errors[recommendation.number] = (
                    f"The title of recommendation {recommendation.number} must be "
                    f"{parsing.TITLE_MAX_LENGTH} characters or fewer"
                )
            recommendation.title = title or recommendation.title
        if not title_errors and not pick_error:
            outcomes = imports.apply_recommendations(
                challenge=challenge, recommendations=[r for r in result.recommendations if r.number in included]
            )
            created = sum(1 for outcome in outcomes if outcome.kind == "new")
            changed = sum(1 for outcome in outcomes if outcome.kind == "changed")
            if created or changed:
                messages.success(request, f"Recommendations added: {created}; updated: {changed}.")
            else:
                messages.success(request, "Nothing changed: the recommendations were already as pasted.")
            return redirect(_next_page(challenge))
    outcomes = imports.plan_recommendations(challenge=challenge, recommendations=result.recommendations)
    context.update(
        {
            "rows": [
                {
                    "recommendation": recommendation,
                    "outcome": outcome,
                    "error": title_errors.get(recommendation.number, ""),
                    "included": recommendation.number in included,
                }
                for recommendation, outcome in zip(result.recommendations, outcomes, strict=True)
            ],
            "warnings": result.warnings,
            "skipped": result.skipped,
            "stated_count": result.stated_count,
            "found_under": result.found_under,
            "pick_error": pick_error,
            "title_errors": title_errors,
            "created": sum(1 for outcome in outcomes if outcome.kind == "new"),
            "changed": sum(1 for outcome in outcomes if outcome.kind == "changed"),
        }
    )
    return render(request, "recommendations/import_recommendations_preview.html", context)


# --- action plans from spreadsheets ----------------------------------------------------


class UploadForm(OneFileForm):
    label = "Action plan spreadsheet"
    wanted = "the action plan spreadsheet"
    formats = ".xlsx or .csv"
    max_bytes = spreadsheets.MAX_UPLOAD_BYTES

    def too_large(self, size: int) -> str:
        return f"{spreadsheets.too_large(size)}. {spreadsheets.TOO_LARGE_ADVICE}"


def _layout_fields(plan: imports.ActionPlanImport, layout: imports.Layout | None) -> list[tuple[str, str]]:
    """Returns the hidden fields that carry the mapping from the mapping page to the confirmation."""
    read = plan.layout
    if read is None:
        return []
    fields = [("sheet", read.sheet if len(read.sheet_names) > 1 else "")]
    fields += [(f"col_{index}", key) for index, key in enumerate(read.mapping)]
    if layout is not None:
        posted = dict(layout.statuses)
        for index, word in enumerate(sorted(read.statuses)):
            rating = posted.get(import_values.status_key(word))
            if rating is None:
                guessed = import_values.guess_status(word)
                rating = guessed if guessed is not None else ""
            fields += [(f"status_word_{index}", word), (f"status_{index}", rating)]
    return fields


def _preview(
    request: HttpRequest,
    challenge: PeerChallenge,
    plan: imports.ActionPlanImport,
    token: str = "",
    notice: str = "",
    layout: imports.Layout | None = None,
) -> HttpResponse:
    return render(
        request,
        "recommendations/import_action_plan_preview.html",
        {
            "challenge": challenge,
            "plan": plan,
            "token": token,
            "notice": notice,
            "layout_fields": _layout_fields(plan, layout),
            "counts": {
                "new": plan.count("new"),
                "changed": plan.count("changed"),
                "unchanged": plan.count("unchanged"),
            },
        },
    )


def _remembered(council: Council) -> imports.Layout:
    """Returns the council's remembered column and status mappings as a starting layout."""
    rows = ImportColumnMapping.objects.filter(council=council).values_list("kind", "source", "target")
    columns = tuple((source, target) for kind, source, target in rows if kind == ImportColumnMapping.Kind.COLUMN)
    statuses = tuple((source, target) for kind, source, target in rows if kind == ImportColumnMapping.Kind.STATUS)
    return imports.Layout(remembered=columns, statuses=statuses)


def _layout_from(request: HttpRequest, council: Council) -> tuple[imports.Layout, list[str]]:
    """Returns the layout the mapping page (or a hidden copy of it) posted, and its problems.

    Nothing posted is trusted: a field that is not one of the choices is refused with a
    message, never used.
    """
    data = request.POST if request.method == "POST" else request.GET
    problems: list[str] = []
    valid_fields = {key for key, _label in spreadsheets.FIELD_CHOICES}
    valid_ratings = {key for key, _label in import_values.RATING_CHOICES}
    mapping: list[str] | None = None
    if "col_0" in data:
        mapping = []
        for index in range(spreadsheets.MAX_COLUMNS):
            key = f"col_{index}"
            if key not in data:
                break
            value = data.get(key, "")
            if value not in valid_fields:
                problems.append(f"Choose what column {index + 1} holds from the list")
                value = import_values.NOT_IMPORTED
            mapping.append(value)
    statuses = list(_remembered(council).statuses)
    for index in range(200):
        word = data.get(f"status_word_{index}")
        if word is None:
            break
        rating = data.get(f"status_{index}", "")
        if rating not in valid_ratings:
            problems.append(f"Choose a rating for the status “{word[:40]}” from the list")
            continue
        statuses.append((import_values.status_key(word), rating))
    sheet = (data.get("sheet") or "").strip()[:100] or None
    remembered = _remembered(council).remembered
    return imports.Layout(
        sheet=sheet,
        mapping=tuple(mapping) if mapping is not None else None,
        statuses=tuple(statuses),
        remembered=remembered,
    ), problems


@dataclass(frozen=True)
class _StoredUpload:
    """An upload kept between its preview and its confirmation (`imports.UploadStore`), with the columns and
    status words the coordinator chose for it on the mapping page."""

    token: str
    data: bytes
    filename: str
    layout: imports.Layout
    problems: list[str]  # what is wrong with the chosen columns and status words

    def plan(self, challenge: PeerChallenge, layout: imports.Layout | None = None) -> imports.ActionPlanImport:
        """Reads the upload again with the chosen layout (or `layout`) and plans its import; raises
        SpreadsheetError when it cannot be read so."""
        return imports.read_and_plan(
            challenge=challenge, data=self.data, filename=self.filename, layout=layout or self.layout
        )


def _stored_upload(
    request: SignedInRequest, slug: str, *, nothing_imported: bool = False
) -> tuple[PeerChallenge, _StoredUpload | None]:
    """Returns the challenge (for its coordinators) and the upload the request's `token` names, with the layout
    the request chose for it; None for the upload, after telling the coordinator, when it could not be found or
    has expired."""
    challenge = access.coordinated_challenge(request, slug)
    token = (request.POST if request.method == "POST" else request.GET).get("token", "")
    try:
        data, filename = imports.UploadStore().load(token=token, user_id=request.user.pk, challenge_id=challenge.pk)
    except imports.UploadExpired:
        again = "Nothing was imported: upload" if nothing_imported else "Upload"
        messages.error(request, f"That upload could not be found or has expired. {again} the spreadsheet again.")
        return challenge, None
    layout, problems = _layout_from(request, challenge.council)
    return challenge, _StoredUpload(token, data, filename, layout, problems)


def _needs_mapping(plan: imports.ActionPlanImport) -> bool:
    """True unless every column's header is one of the template's own names (then the
    guess is certain and the mapping page would only slow the coordinator down)."""
    layout = plan.layout
    if layout is None:
        return False
    known = {spreadsheets._normalise_header(column.header) for column in spreadsheets.COLUMNS}
    return (
        len(layout.sheet_names) > 1
        or bool(layout.statuses)
        or any(spreadsheets._normalise_header(h) not in known for h in layout.headers)
    )


def _mapping_page(
    request: HttpRequest,
    challenge: PeerChallenge,
    plan: imports.ActionPlanImport,
    token: str,
    problems: list[str] | None = None,
) -> HttpResponse:
    layout = plan.layout
    assert layout is not None
    statuses = []
    remembered = dict(_remembered(challenge.council).statuses)
    for index, (word, count) in enumerate(sorted(layout.statuses.items())):
        key = import_values.status_key(word)
        guessed = remembered.get(key, import_values.guess_status(word))
        statuses.append(
            {
                "index": index,
                "word": word,
                "count": count,
                "rating": guessed if guessed is not None else "",
                "unknown": guessed is None,
            }
        )
    columns = [
        {
            "index": index,
            "header": header,
            "field": layout.mapping[index],
            "samples": layout.samples[index] if index < len(layout.samples) else [],
        }
        for index, header in enumerate(layout.headers)
    ]
    return render(
        request,
        "recommendations/import_action_plan_mapping.html",
        {
            "challenge": challenge,
            "plan": plan,
            "layout": layout,
            "token": token,
            "columns": columns,
            "statuses": statuses,
            "field_choices": spreadsheets.FIELD_CHOICES,
            "rating_choices": import_values.RATING_CHOICES,
            "problems": problems or [],
        },
        status=400 if problems else 200,
    )


@challenge_routes.page("action-plan/import/", name="action_plan_import")
def action_plan_import(request: SignedInRequest, slug: str) -> HttpResponse:
    """Upload an action plan spreadsheet; map its columns if they are the council's own; see,
    row by row, what importing it would do."""
    challenge = access.coordinated_challenge(request, slug)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = imports.read_and_plan(
                challenge=challenge, data=data, filename=upload.name, layout=_remembered(challenge.council)
            )
        except spreadsheets.SpreadsheetError as problem:
            form.add_error("file", str(problem).rstrip("."))
        else:
            token = imports.UploadStore().save(
                data=data, filename=upload.name, user_id=request.user.pk, challenge_id=challenge.pk
            )
            if _needs_mapping(plan):
                return _mapping_page(request, challenge, plan, token)
            return _preview(request, challenge, plan, token)
    return render(
        request,
        "recommendations/import_action_plan.html",
        {"challenge": challenge, "form": form, "max_megabytes": spreadsheets.MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


@challenge_routes.post("action-plan/import/confirm/", name="action_plan_import_confirm")
def action_plan_import_confirm(request: SignedInRequest, slug: str) -> HttpResponse:
    """Imports the previewed upload in one transaction, after checking it again."""
    challenge, upload = _stored_upload(request, slug, nothing_imported=True)
    if upload is None:
        return redirect("action_plan_import", challenge.slug)
    layout = upload.layout
    if upload.problems:
        messages.error(request, "Nothing was imported: " + "; ".join(upload.problems[:3]) + ".")
        return redirect("action_plan_import", challenge.slug)
    good_rows_only = request.POST.get("rows") == "good"
    try:
        plan = imports.apply_action_plan(
            challenge=challenge,
            data=upload.data,
            filename=upload.filename,
            by=request.user,
            expected_fingerprint=request.POST.get("fingerprint", ""),
            layout=layout,
            good_rows_only=good_rows_only,
        )
    except imports.PlanChanged:
        return _preview(
            request,
            challenge,
            upload.plan(challenge),
            upload.token,
            notice="The action plan changed after you saw the preview, so nothing "
            "was imported. Check the rows below again before confirming.",
            layout=layout,
        )
    except (imports.ImportRejected, spreadsheets.SpreadsheetError, IntegrityError, InvalidTransition):
        # Rolled back: a file error, or a write the database refused (a race with another edit).
        plan = None
    if plan is None:
        try:
            replanned = upload.plan(challenge)
        except spreadsheets.SpreadsheetError as problem:
            messages.error(request, f"Nothing was imported: {problem}")
            return redirect("action_plan_import", challenge.slug)
        return _preview(
            request,
            challenge,
            replanned,
            upload.token,
            notice="Nothing was imported: the spreadsheet has the errors below.",
            layout=layout,
        )
    _remember(challenge.council, plan, layout)
    left_out = len(plan.bad_rows) if good_rows_only else 0
    if not left_out:
        imports.UploadStore().discard(upload.token)
    if plan.changes_anything:
        messages.success(
            request,
            (
                f"The action plan was imported: {plan.count('new')} new, {plan.count('changed')} "
                f"changed and {plan.count('unchanged')} unchanged actions; "
                f"{plan.progress_updates} progress updates recorded."
                + (
                    f" {left_out} row{'s' if left_out != 1 else ''} with problems "
                    f"{'were' if left_out != 1 else 'was'} left out."
                    if left_out
                    else ""
                )
            ),
        )
    else:
        messages.success(request, "Nothing changed: the action plan already matched the spreadsheet.")
    return redirect(_next_page(challenge))


def _next_page(challenge: PeerChallenge) -> str:
    """Returns the set-up pages when they exist (another part of issue 17's work), else the
    challenge."""
    try:
        return reverse("challenge_setup", kwargs={"slug": challenge.slug})
    except NoReverseMatch:
        return challenge.get_absolute_url()


def _remember(council: Council, plan: imports.ActionPlanImport, layout: imports.Layout) -> None:
    """Keeps the column and status mappings of a successful import for the council's next one."""
    read = plan.layout
    if read is None:
        return
    now = timezone.now()
    pairs = [
        (ImportColumnMapping.Kind.COLUMN, import_values.normalise_header(header), key)
        for header, key in zip(read.headers, read.mapping, strict=True)
        if import_values.normalise_header(header)
    ]
    chosen = dict(layout.statuses)
    for word in read.statuses:
        rating = chosen.get(import_values.status_key(word), import_values.guess_status(word))
        pairs.append((ImportColumnMapping.Kind.STATUS, import_values.status_key(word), rating or ""))
    for kind, source, target in pairs[:400]:
        ImportColumnMapping.objects.update_or_create(
            council=council, kind=kind, source=source[:200], defaults={"target": target, "updated_at": now}
        )


@challenge_routes.post("action-plan/import/columns/", name="action_plan_import_mapping")
def action_plan_import_mapping(request: SignedInRequest, slug: str) -> HttpResponse:
    """Reads the upload again with the columns and status words mapped as the coordinator chose."""
    challenge, upload = _stored_upload(request, slug)
    if upload is None:
        return redirect("action_plan_import", challenge.slug)
    layout = upload.layout
    try:
        plan = upload.plan(challenge)
    except spreadsheets.SpreadsheetError as problem:
        # The mapping is not usable (a field chosen twice, no Action column): show it again.
        try:
            guessed = upload.plan(challenge, imports.Layout(sheet=layout.sheet, remembered=layout.remembered))
        except spreadsheets.SpreadsheetError:
            messages.error(request, f"Nothing was imported: {problem}")
            return redirect("action_plan_import", challenge.slug)
        if guessed.layout is not None and layout.mapping is not None:
            guessed.layout.mapping = list(layout.mapping)[: len(guessed.layout.headers)]
        return _mapping_page(request, challenge, guessed, upload.token, problems=[str(problem).rstrip(".")])
    if upload.problems:
        return _mapping_page(request, challenge, plan, upload.token, problems=upload.problems)
    return _preview(request, challenge, plan, upload.token, layout=layout)


@challenge_routes.get("action-plan/import/rows-to-fix.xlsx", name="action_plan_import_problems")
def action_plan_import_problems(request: SignedInRequest, slug: str) -> HttpResponse:
    """Downloads the rows with problems, as they were, with a "Problems" column, to fix and
    import again."""
    challenge, upload = _stored_upload(request, slug)
    if upload is None:
        return redirect("action_plan_import", challenge.slug)
    try:
        plan = upload.plan(challenge)
    except spreadsheets.SpreadsheetError as problem:
        messages.error(request, f"The rows with problems could not be made: {problem}")
        return redirect("action_plan_import", challenge.slug)
    assert plan.layout is not None
    content = spreadsheets.build_bad_rows(result=plan.layout, errors=plan.errors)
    return _xlsx_response(content, f"{challenge.slug}-rows-to-fix.xlsx")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _recommendation_list(challenge: PeerChallenge) -> list[tuple[int, str]]:
    return list(challenge.recommendations.order_by("number").values_list("number", "title"))


@challenge_routes.get("action-plan/template.xlsx", name="action_plan_template")
def action_plan_template(request: HttpRequest, slug: str) -> HttpResponse:
    """Downloads an empty action plan workbook with each column explained."""
    challenge = access.coordinated_challenge(request, slug)
    content = spreadsheets.build_template(recommendations=_recommendation_list(challenge))
    return _xlsx_response(content, f"{challenge.slug}-action-plan-template.xlsx")


@challenge_routes.get("action-plan/export.xlsx", name="action_plan_export")
def action_plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Downloads the whole action plan as a workbook in the template's layout."""
    challenge = access.coordinated_challenge(request, slug)
    content = spreadsheets.build_export(
        rows=imports.export_rows(challenge), recommendations=_recommendation_list(challenge)
    )
    today: dt.date = timezone.localdate()
    return _xlsx_response(content, f"{challenge.slug}-action-plan-{today:%Y-%m-%d}.xlsx")


# --- the council's response table ------------------------------------------------------


class ResponseTableForm(forms.Form):
    text = forms.CharField(
        label="Paste the response table",
        required=False,
        strip=False,
        widget=forms.Textarea,
        help_text="Copy the table from Word or Excel, header row included, and paste it here.",
    )
    file = forms.FileField(
        label="Or upload it", required=False, help_text="A Word document (.docx), an Excel workbook (.xlsx) or CSV."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if upload is not None and upload.size > spreadsheets.MAX_UPLOAD_BYTES:
            self.add_error("file", spreadsheets.too_large(upload.size))
        elif len(text) > import_responses.MAX_TEXT:
            self.add_error(
                "text",
                f"The text is {len(text):,} characters long; paste only the "
                f"response table (up to {import_responses.MAX_TEXT:,})",
            )
        elif not text.strip() and upload is None:
            self.add_error("text", "Paste the council's response table, or choose the file that holds it")
        return cleaned


@challenge_routes.page("responses/import/", name="response_table_import")
def response_table_import(request: SignedInRequest, slug: str) -> HttpResponse:
    """Paste or upload the council's response table -> preview per recommendation -> confirm:
    records each response and adds its actions, in one transaction."""
    challenge = access.coordinated_challenge(request, slug)
    store = imports.UploadStore()
    step = request.POST.get("step", "")
    form = ResponseTableForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"challenge": challenge, "form": form}
    if request.method == "GET" or step == "edit":
        return render(request, "recommendations/import_response_table.html", context)
    text, data, filename, token = "", b"", "", request.POST.get("token", "")
    if step == "confirm" and token:
        try:
            data, filename = store.load(token=token, user_id=request.user.pk, challenge_id=challenge.pk)
        except imports.UploadExpired:
            messages.error(
                request,
                "That upload could not be found or has expired. Nothing was imported: upload the response table again.",
            )
            return redirect("response_table_import", challenge.slug)
    elif not form.is_valid():
        return render(request, "recommendations/import_response_table.html", context, status=400)
    elif form.cleaned_data.get("file") is not None:
        upload = form.cleaned_data["file"]
        data, filename = upload.read(), inputs.clean_text(upload.name, multiline=False)
    else:
        text = form.cleaned_data.get("text") or ""
    if step == "confirm" and not token:
        text = request.POST.get("text", "")
    try:
        entries, warnings = import_responses.read_response_table(text=text, data=data, filename=filename)
    except import_responses.ResponseTableError as problem:
        form.add_error("file" if data else "text", str(problem).rstrip("."))
        return render(request, "recommendations/import_response_table.html", context, status=400)
    if step == "confirm":
        updated, added = import_responses.apply_responses(challenge=challenge, entries=entries, by=request.user)
        if token:
            store.discard(token)
        messages.success(
            request,
            f"The response table was imported: {updated} "
            f"recommendation{'s' if updated != 1 else ''} updated and "
            f"{added} action{'s' if added != 1 else ''} added.",
        )
        return redirect(_next_page(challenge))
    import_responses.plan_responses(challenge=challenge, entries=entries)
    if data:
        token = store.save(data=data, filename=filename, user_id=request.user.pk, challenge_id=challenge.pk)
    return render(
        request,
        "recommendations/import_response_table_preview.html",
        {
            "challenge": challenge,
            "entries": entries,
            "warnings": warnings,
            "text": text,
            "token": token,
            "filename": filename,
            "good": sum(1 for entry in entries if entry.recommendation and not entry.problems),
            "has_response_fields": import_responses._has_field("response_narrative"),
        },
    )
