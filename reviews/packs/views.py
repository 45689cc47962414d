"""Committee packs: coordinators draft, preview and issue; every member lists and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from recommendations import access
from recommendations.models import Membership, PeerChallenge
from reviews.models import CommitteeReport, IssuedPack, PackIntegrityError, starter_report
from reviews.packs.forms import CommitteeReportForm
from reviews.packs.services import PackAlreadyIssued, PackRenderingError, issue_pack, preview_snapshot

PACKS_PER_PAGE = 25
COORDINATOR = Membership.Role.COORDINATOR


def _coordinated_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    """Returns the challenge if the user coordinates it: 404 for other councils, 403 for other roles."""
    challenge = access.get_challenge(request, slug)
    access.require_role(request, challenge.council, COORDINATOR)
    return challenge


def _report(request: HttpRequest, slug: str, pk: int) -> CommitteeReport:
    challenge = _coordinated_challenge(request, slug)
    try:
        report = CommitteeReport.objects.get(challenge=challenge, pk=pk)
    except CommitteeReport.DoesNotExist:
        raise Http404("No such committee report.") from None
    report.challenge = challenge
    return report


@login_required
@require_GET
def pack_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Lists the challenge's issued packs with their dates, committee and SHA-256; drafts for coordinators."""
    challenge = access.get_challenge(request, slug)
    role = access.role_in(request, challenge.council)
    packs = IssuedPack.objects.filter(challenge=challenge).select_related("issued_by", "challenge").defer("snapshot")
    page = Paginator(packs.order_by("-sequence"), PACKS_PER_PAGE).get_page(request.GET.get("page"))
    drafts = []
    if role == COORDINATOR:
        drafts = list(
            CommitteeReport.objects.filter(challenge=challenge).select_related("challenge")
            .order_by("-updated_at")[:50]
        )
    context = {"challenge": challenge, "page": page, "drafts": drafts, "role": role,
               "can_coordinate": role == COORDINATOR}
    return render(request, "reviews/pack_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Starts a committee report from the usual wording; saves it as a draft."""
    challenge = _coordinated_challenge(request, slug)
    report = starter_report(challenge=challenge, author=request.user)
    form = CommitteeReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.created_by = request.user
        report.save()
        messages.success(request, "The draft report has been saved. Preview it, then issue the pack.")
        return redirect(report.get_absolute_url())
    return render(request, "reviews/report_form.html",
                  {"challenge": challenge, "form": form, "report": None})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edits a draft report. Packs already issued from it are not affected."""
    report = _report(request, slug, pk)
    form = CommitteeReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The draft report has been saved.")
        return redirect(report.get_absolute_url())
    return render(request, "reviews/report_form.html",
                  {"challenge": report.challenge, "form": form, "report": report})


@login_required
@require_GET
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Shows a draft report and the packs issued from it."""
    report = _report(request, slug, pk)
    packs = report.packs.select_related("issued_by", "challenge").defer("snapshot").order_by("-sequence")
    return render(request, "reviews/report_detail.html",
                  {"challenge": report.challenge, "report": report, "packs": list(packs)})


@login_required
@require_GET
def report_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Shows the pack as HTML, built from the plan as it stands now, before it is issued."""
    report = _report(request, slug, pk)
    snapshot = preview_snapshot(report=report)
    return render(request, "reviews/report_preview.html",
                  {"challenge": report.challenge, "report": report, "pack": snapshot,
                   "for_print": False})


@login_required
@require_http_methods(["GET", "POST"])
def report_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Asks for confirmation, then issues the report as a new pack that never changes."""
    report = _report(request, slug, pk)
    error = ""
    if request.method == "POST":
        # The number of packs the coordinator saw when choosing to issue: a second pack
        # is refused if one was issued meanwhile. A form without it counts from now.
        seen = request.POST.get("packs_seen", "")
        valid = seen.isascii() and seen.isdigit() and len(seen) < 10
        packs_seen = int(seen) if valid else report.packs.count()
        try:
            pack = issue_pack(report=report, by=request.user, packs_seen=packs_seen)
        except PackAlreadyIssued as already:
            messages.info(request, str(already))
            return redirect("pack_list", slug=report.challenge.slug)
        except (PackRenderingError, OSError):
            error = ("The pack could not be made, so nothing was issued. Try again; if it "
                     "happens again, tell your administrator.")
        else:
            messages.success(
                request, f"Pack {pack.sequence} has been issued to {pack.committee}. "
                         f"It is stored as issued and cannot be changed."
            )
            return redirect("pack_list", slug=report.challenge.slug)
    return render(request, "reviews/report_issue.html",
                  {"challenge": report.challenge, "report": report, "error": error,
                   "packs_seen": report.packs.count()},
                  status=503 if error else 200)


@login_required
@require_GET
def pack_download(request: HttpRequest, slug: str, sequence: int) -> HttpResponse:
    """Sends the issued PDF after checking it still has the SHA-256 recorded at issue."""
    challenge = access.get_challenge(request, slug)
    try:
        pack = IssuedPack.objects.defer("snapshot").get(challenge=challenge, sequence=sequence)
    except IssuedPack.DoesNotExist:
        raise Http404("No such pack.") from None
    pack.challenge = challenge
    try:
        content = pack.read_verified()
    except PackIntegrityError as problem:
        return render(request, "reviews/pack_integrity_error.html",
                      {"challenge": challenge, "pack": pack, "problem": str(problem)}, status=409)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
