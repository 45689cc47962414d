"""Committee packs: coordinators draft, preview and issue (in the background), withdraw and replace;
every member lists and downloads them (PDF and Word)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from peertrack.http import form_page, refusal_as_message, succeeded
from peertrack.routing import CHALLENGE, Routes
from recommendations import access
from recommendations.models import Council, Membership, PeerChallenge
from reviews.models import (
    CommitteeReport,
    IssuedPack,
    PackIntegrityError,
    PackJob,
    WordTemplate,
    starter_report,
)
from reviews.packs.forms import CommitteeReportForm, CouncilLookForm, IssueForm, WithdrawForm
from reviews.packs.services import PackAlreadyWithdrawn, request_job, withdraw_pack
from reviews.packs.word import DOCX_CONTENT_TYPE

routes = Routes(CHALLENGE)

PACKS_PER_PAGE = 25
COORDINATOR = Membership.Role.COORDINATOR
# htmx stops polling when a response has this status: the job has finished.
STOP_POLLING = 286


def _report(request: HttpRequest, slug: str, pk: int) -> CommitteeReport:
    challenge = access.coordinated_challenge(request, slug)
    report = get_object_or_404(CommitteeReport, challenge=challenge, pk=pk)
    report.challenge = challenge
    return report


def _pack(challenge: PeerChallenge, sequence: int) -> IssuedPack:
    pack = get_object_or_404(IssuedPack.objects.defer("snapshot"), challenge=challenge, sequence=sequence)
    pack.challenge = challenge
    return pack


def _latest_job(report: CommitteeReport, kind: str) -> PackJob | None:
    job = PackJob.objects.filter(report=report, kind=kind).select_related("pack").first()
    if job is not None:
        job.report = report
    return job


@routes.get("packs/", name="pack_list")
def pack_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Lists the challenge's issued packs, newest first, with what replaced or withdrew each; drafts
    for coordinators. Each pack's SHA-256 sits behind "Check this pack is unchanged"."""
    challenge = access.get_challenge(request, slug)
    role = access.role_in(request, challenge.council)
    packs = (
        IssuedPack.objects.filter(challenge=challenge)
        .select_related(
            "issued_by", "challenge", "withdrawal__replacement", "withdrawal__withdrawn_by", "supersedes__pack"
        )
        .defer("snapshot")
    )
    page = Paginator(packs.order_by("-sequence"), PACKS_PER_PAGE).get_page(request.GET.get("page"))
    drafts = []
    if role == COORDINATOR:
        drafts = list(
            CommitteeReport.objects.filter(challenge=challenge).select_related("challenge").order_by("-updated_at")[:50]
        )
    context = {
        "challenge": challenge,
        "page": page,
        "drafts": drafts,
        "role": role,
        "can_coordinate": role == COORDINATOR,
    }
    return render(request, "reviews/pack_list.html", context)


@routes.page("reports/new/", name="committee_report_new")
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Starts a committee report from the usual wording; saves it as a draft."""
    challenge = access.coordinated_challenge(request, slug)
    report = starter_report(challenge=challenge, author=request.user)
    form = CommitteeReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.created_by = request.user  # type: ignore[assignment]  # signed in: @login_required
        report.save()
        return succeeded(request, "The draft report has been saved. Preview it, then issue the pack.", report)
    return render(request, "reviews/report_form.html", {"challenge": challenge, "form": form, "report": None})


@routes.page("reports/<id:pk>/edit/", name="committee_report_edit")
def report_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edits a draft report. Packs already issued from it are not affected."""
    report = _report(request, slug, pk)
    form = CommitteeReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        return succeeded(request, "The draft report has been saved.", report)
    return render(request, "reviews/report_form.html", {"challenge": report.challenge, "form": form, "report": report})


@routes.get("reports/<id:pk>/", name="committee_report")
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Shows a draft report and the packs issued from it."""
    report = _report(request, slug, pk)
    packs = (
        report.packs.select_related("issued_by", "challenge", "withdrawal__replacement")
        .defer("snapshot")
        .order_by("-sequence")
    )
    return render(
        request, "reviews/report_detail.html", {"challenge": report.challenge, "report": report, "packs": list(packs)}
    )


def _job_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, job: PackJob | None, status: int = 200
) -> HttpResponse:
    """Renders a page that follows a job; an htmx poll gets only the `#pack-job` status, and a
    status that stops the polling once the job has finished."""
    context["poll_url"] = request.path
    if request.htmx:  # type: ignore[attr-defined]
        finished = job is None or job.is_finished
        return render(request, f"{template}#job-status", context, status=STOP_POLLING if finished else 200)
    return render(request, template, context, status=status)


@routes.page("reports/<id:pk>/preview/", name="committee_report_preview")
def report_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The DRAFT preview: the real pack PDF, watermarked, made by the task queue.

    GET shows how the latest preview is getting on (htmx polls it); POST asks for a new one.
    """
    report = _report(request, slug, pk)
    if request.method == "POST":
        job = _latest_job(report, PackJob.Kind.PREVIEW)
        if job is None or job.is_finished:
            request_job(report=report, kind=PackJob.Kind.PREVIEW, by=request.user)
        return redirect("committee_report_preview", slug=report.challenge.slug, pk=report.pk)
    job = _latest_job(report, PackJob.Kind.PREVIEW)
    context = {
        "challenge": report.challenge,
        "report": report,
        "job": job,
        "stale": job is not None and job.requested_at < report.updated_at,
    }
    return _job_page(request, "reviews/report_preview.html", context, job=job)


@routes.get("reports/<id:pk>/preview/draft.pdf", name="committee_report_preview_pdf")
def report_preview_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Sends the latest finished DRAFT preview PDF, to open in the browser."""
    report = _report(request, slug, pk)
    job = (
        PackJob.objects.filter(report=report, kind=PackJob.Kind.PREVIEW, status=PackJob.Status.DONE)
        .exclude(preview="")
        .first()
    )
    if job is None:
        raise Http404("There is no preview yet.")
    try:
        with job.preview.open("rb") as stored:
            content = stored.read()
    except OSError:
        raise Http404("The preview has gone; make a new one.") from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.challenge.slug}-report-{report.pk}-draft.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _replaceable(challenge: PeerChallenge) -> list[IssuedPack]:
    """Returns the challenge's packs that may still be replaced: issued and not withdrawn."""
    return list(
        IssuedPack.objects.filter(challenge=challenge, withdrawal__isnull=True).defer("snapshot").order_by("-sequence")
    )


@routes.page("reports/<id:pk>/issue/", name="committee_report_issue")
def report_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Asks for confirmation, then queues the issue; the page follows it until the pack is made.

    A second POST while an issue of this report is waiting or being made queues nothing more.
    """
    report = _report(request, slug, pk)
    challenge = report.challenge
    form = IssueForm(request.POST if request.method == "POST" else None, packs=_replaceable(challenge))
    job = _latest_job(report, PackJob.Kind.ISSUE)
    if request.method == "POST":
        if job is not None and not job.is_finished:
            messages.info(request, "This report is already being issued: wait for it to finish.")
            return redirect("committee_report_issue", slug=challenge.slug, pk=report.pk)
        if form.is_valid():
            # The number of packs the coordinator saw when choosing to issue: a second pack is
            # refused if one was issued meanwhile. A form without it counts from now.
            seen = request.POST.get("packs_seen", "")
            valid = seen.isascii() and seen.isdigit() and len(seen) < 10
            packs_seen = int(seen) if valid else report.packs.count()
            replaces = form.cleaned_data["replaces_pack"]
            request_job(
                report=report,
                kind=PackJob.Kind.ISSUE,
                by=request.user,
                packs_seen=packs_seen,
                replaces=replaces,
                reason=form.cleaned_data.get("reason", "").strip() if replaces else "",
            )
            return redirect("committee_report_issue", slug=challenge.slug, pk=report.pk)
    context = {"challenge": challenge, "report": report, "form": form, "job": job, "packs_seen": report.packs.count()}
    return _job_page(request, "reviews/report_issue.html", context, job=job, status=400 if form.errors else 200)


@routes.page("packs/<id:sequence>/withdraw/", name="pack_withdraw")
def pack_withdraw(request: HttpRequest, slug: str, sequence: int) -> HttpResponse:
    """Withdraws an issued pack with a reason. The pack is kept, downloadable, marked withdrawn."""
    challenge = access.coordinated_challenge(request, slug)
    pack = _pack(challenge, sequence)
    withdrawal = pack.withdrawal_or_none
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and withdrawal is None and form.is_valid():
        with refusal_as_message(request, PackAlreadyWithdrawn, level=messages.INFO):
            withdraw_pack(pack=pack, reason=form.cleaned_data["reason"].strip(), by=request.user)
            messages.success(
                request,
                f"Pack {pack.sequence} has been withdrawn. It stays on the list, "
                "marked withdrawn, and can still be downloaded.",
            )
        return redirect("pack_list", slug=challenge.slug)
    context = {"challenge": challenge, "pack": pack, "form": form, "withdrawal": withdrawal}
    return form_page(request, "reviews/pack_withdraw.html", context, form)


def _send(request: HttpRequest, challenge: PeerChallenge, pack: IssuedPack, *, word: bool) -> HttpResponse:
    try:
        content = pack.read_verified(word=word)
    except PackIntegrityError as problem:
        return render(
            request,
            "reviews/pack_integrity_error.html",
            {
                "challenge": challenge,
                "pack": pack,
                "problem": str(problem),
                "sha256": pack.docx_sha256 if word else pack.sha256,
            },
            status=409,
        )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE if word else "application/pdf")
    name = pack.docx_filename if word else pack.filename
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@routes.get("packs/<id:sequence>/download/", name="pack_download", kwargs={"word": False})
@routes.get("packs/<id:sequence>/download/word/", name="pack_download_docx", kwargs={"word": True})
def pack_download(request: HttpRequest, slug: str, sequence: int, *, word: bool) -> HttpResponse:
    """Sends the issued PDF, or (`word`) its Word covering report, after checking it still has the SHA-256
    recorded at issue."""
    challenge = access.get_challenge(request, slug)
    return _send(request, challenge, _pack(challenge, sequence), word=word)


@routes.page("packs/council-look/", name="council_look")
def council_look(request: HttpRequest, slug: str) -> HttpResponse:
    """The council's logo, Word template and RAG wording, set by its coordinators."""
    challenge = access.coordinated_challenge(request, slug)
    council = challenge.council
    template = WordTemplate.objects.filter(council=council).first()
    form = CouncilLookForm(request.POST if request.method == "POST" else None, request.FILES or None, council=council)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Council.objects.select_for_update().get(pk=council.pk)
            locked.rag_wording = form.rag_wording()
            logo = form.cleaned_data.get("logo")
            if logo is not None:
                locked.logo, locked.logo_content_type = logo.content, logo.content_type
            elif form.cleaned_data.get("remove_logo"):
                locked.logo, locked.logo_content_type = b"", ""
            locked.save(update_fields=["rag_wording", "logo", "logo_content_type"])
            upload = form.cleaned_data.get("word_template")
            if upload is not None:
                _store_template(locked, upload, by=request.user)
            elif form.cleaned_data.get("remove_word_template"):
                WordTemplate.objects.filter(council=locked).delete()
        if logo is not None and logo.removed:
            messages.info(
                request,
                "The logo was saved without its "
                + ", ".join(logo.removed)
                + ", which a published pack must not carry.",
            )
        return succeeded(
            request,
            f"{council.name}'s look and words have been saved. Packs issued from "
            "now on use them; packs already issued keep theirs.",
            "pack_list",
            slug=challenge.slug,
        )
    context = {"challenge": challenge, "council": council, "form": form, "template": template}
    return form_page(request, "reviews/pack_council_look.html", context, form)


def _store_template(council: Council, upload: dict[str, Any], *, by: Any) -> None:
    template = WordTemplate.objects.filter(council=council).first() or WordTemplate(council=council)
    old_name = template.file.name if template.pk else ""
    template.file.save(f"{council.slug}-template.docx", ContentFile(upload["content"]), save=False)
    template.original_name = str(upload["name"])
    template.sha256 = str(upload["sha256"])
    template.uploaded_at = timezone.now()
    template.uploaded_by = by
    template.save()
    if old_name and old_name != template.file.name:
        transaction.on_commit(lambda: template.file.storage.delete(old_name))
