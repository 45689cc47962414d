"""Officers' and coordinators' work on actions: my actions, progress, sign-off, edits.

Who may do what (the roles are `Membership.Role`):

- anyone in the action's council may read its page;
- the lead officer, their deputies (`Deputy`) and the council's coordinators may record
  progress (`access.may_record_progress`); an update by anyone but the lead is recorded
  "for" the lead officer;
- nothing changes on an archived challenge (`access.get_challenge` refuses every POST);
- coordinators sign off, return, edit and add actions;
- scrutiny members and administrators only read (403 on every change);
- everyone who may read the action downloads its updates' evidence files;
- a user of another council gets a 404, an anonymous user the sign-in page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from peertrack import idempotency, inputs
from peertrack.http import SignedInRequest
from peertrack.routing import CHALLENGE, Routes
from recommendations import access, asof, evidence, services
from recommendations import rag as rag_rules
from recommendations.asof import ActionThen
from recommendations.forms import ActionEditForm, NewActionForm, ProgressForm, ReturnForm
from recommendations.models import (
    Action,
    EditConflict,
    EvidenceFile,
    EvidenceIntegrityError,
    InvalidTransition,
    Membership,
    PeerChallenge,
)

routes = Routes()
challenge_routes = routes.under(CHALLENGE)
action_routes = challenge_routes.under("actions/<id:pk>/")

COORDINATOR = Membership.Role.COORDINATOR
DETAIL = "recommendations/action_detail.html"


def _get_action(request: HttpRequest, slug: str, pk: int) -> tuple[ActionThen, str]:
    """Returns the action as it stands now and the user's role in its council; 404 outside their councils."""
    challenge = access.get_challenge(request, slug)
    found = asof.actions_as_at(
        Action.objects.filter(recommendation__challenge=challenge, pk=pk)
        .select_related("recommendation__challenge__council", "recommendation__theme",
                        "lead_officer", "completion_reported_by", "signed_off_by", "closed_by")
    )
    if not found:
        raise Http404("No such action.")
    role = access.role_in(request, challenge.council)
    return found[0], role or ""


# The action page's side panel shows the officer's most pressing actions, not all of them.
PANEL_SIZE = 8
# My actions draws this many open actions a page, and at most this many finished ones.
MY_ACTIONS_PER_PAGE = 50


def _my_actions(request: HttpRequest) -> list[ActionThen]:
    """Returns the actions the user leads or deputises for, in challenges not archived, as they stand
    now, in My actions' order."""
    led = (Action.objects.visible_to(request.user).in_current_challenges().led_or_deputised_by(request.user)
           .select_related("recommendation__challenge__council", "lead_officer"))
    return sorted(asof.actions_as_at(led), key=lambda then: then.officer_order)


def _page_context(request: HttpRequest, then: ActionThen, role: str, *,
                  form: ProgressForm | None = None) -> dict[str, Any]:
    action = then.action
    may_record = access.may_record_progress(request, action, role)
    updates = list(action.updates.select_related("author", "recorded_for").prefetch_related("evidence_files"))
    date_changes = list(action.due_date_changes.select_related("changed_by"))
    return {
        "challenge": action.recommendation.challenge,
        "recommendation": action.recommendation,
        "action": action,
        "then": then,
        "role": role,
        "may_record": may_record and action.accepts_updates,
        "is_coordinator": role == COORDINATOR,
        "form": form if form is not None else ProgressForm(),
        "timeline": services.timeline(updates),
        "date_changes": date_changes,
        "slip_count": sum(change.is_slip for change in date_changes),
        "returns": list(action.sign_off_returns.select_related("returned_by")),
        "history": services.action_history(action),
        "my_actions": [mine for mine in _my_actions(request) if mine.is_open][:PANEL_SIZE],
        "current_period": ProgressForm().periods[0],
        "rule_text": rag_rules.RULE_TEXT,
    }


@routes.get("my-actions/", name="my_actions")
def my_actions(request: HttpRequest) -> HttpResponse:
    """Lists the actions the user leads in every council: overdue first, then by due date."""
    actions = _my_actions(request)
    open_actions = [then for then in actions if then.is_open]
    finished = [then for then in actions if not then.is_open]
    # Pages of open actions: an officer may lead thousands, and only one page is drawn (issue 20).
    paginator = Paginator(open_actions, MY_ACTIONS_PER_PAGE)
    page = paginator.get_page(inputs.page_number(request.GET.get("page")))
    context = {
        "open_actions": list(page.object_list),
        "open_count": len(open_actions),
        "page": page if paginator.num_pages > 1 else None,
        "finished_actions": finished[:MY_ACTIONS_PER_PAGE],
        "finished_count": len(finished),
        "overdue_count": sum(then.overdue for then in open_actions),
        "update_due_count": sum(then.needs_update for then in open_actions),
        "deputising": any(then.action.lead_officer_id != request.user.pk for then in open_actions),
        "current_period": ProgressForm().periods[0],
        "nav": "my_actions",
    }
    return render(request, "recommendations/my_actions.html", context)


@action_routes.get("", name="action")
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Shows an action, its recommendation, its timeline and history, and the progress form."""
    then, role = _get_action(request, slug, pk)
    return render(request, DETAIL, _page_context(request, then, role))


@action_routes.post("progress/", name="action_progress")
def record_progress(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """Appends a progress update with any evidence files. htmx gets the refreshed fragments, a plain
    POST a redirect. A refused file stores nothing: neither the update nor any of the files."""
    then, role = _get_action(request, slug, pk)
    action = then.action
    if not access.may_record_progress(request, action, role):
        raise PermissionDenied("Only the lead officer, their deputies or a coordinator may record progress.")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            on_behalf = action.lead_officer if action.lead_officer_id not in (None, request.user.pk) else None
            evidence.record_progress(action=action, files=data["evidence_files"], rag=data["rag"],
                                     period=data["period"], narrative=data["narrative"],
                                     evidence=data["evidence"], next_steps=data["next_steps"],
                                     by=request.user, recorded_for=on_behalf)
        except evidence.EvidenceStorageError as failure:
            form.add_error("evidence_files", str(failure))
        except InvalidTransition as refusal:
            # E.g. signed off a moment earlier: the message says by whom and when.
            form.add_error(None, str(refusal))
            if not action.accepts_updates and not request.htmx:
                # The page has no progress form for a finished action: say it in a banner.
                messages.error(request, str(refusal))
        else:
            files = len(data["evidence_files"])
            saved = f"and {files} evidence file{'s' if files != 1 else ''} have been saved" if files \
                else "has been saved"
            note = (f"Your update {saved} and the action is now awaiting sign-off."
                    if data["rag"] == "blue" else f"Your progress update {saved}.")
            location = f"{action.get_absolute_url()}#timeline"
            if not request.htmx:
                messages.success(request, note)
                return redirect(location)
            idempotency.finished(request, location)
            then, role = _get_action(request, slug, pk)
            context = _page_context(request, then, role)
            context.update(saved_note=note, oob=True)
            return render(request, "recommendations/action_progress_saved.html", context)
    context = _page_context(request, then, role, form=form)
    template = f"{DETAIL}#progress-form" if request.htmx else DETAIL
    return render(request, template, context)


@action_routes.get("evidence/<id:file_pk>/download/", name="evidence_download")
def download_evidence(request: HttpRequest, slug: str, pk: int, file_pk: int) -> HttpResponse:
    """Sends an evidence file of one of the action's updates, after checking it is still the file
    that was uploaded (its SHA-256); a changed or missing file is refused with a message."""
    then, _role = _get_action(request, slug, pk)
    action = then.action
    stored = get_object_or_404(EvidenceFile.objects.filter(update__action=action).select_related("update"),
                               pk=file_pk)
    try:
        content = stored.read_verified()
    except EvidenceIntegrityError as problem:
        context = {"challenge": action.recommendation.challenge, "action": action, "evidence": stored,
                   "problem": str(problem)}
        return render(request, "recommendations/evidence_integrity_error.html", context, status=409)
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = evidence.content_disposition(stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_action_page(request: HttpRequest, template: str, action: Action, **context: Any) -> HttpResponse:
    """Renders one of an action's form pages: the action and its challenge, with `context`."""
    return render(request, template, {"action": action, "challenge": action.recommendation.challenge, **context})


def _require_coordinator(role: str) -> None:
    if role != COORDINATOR:
        raise PermissionDenied("Only a coordinator may do this.")


@action_routes.post("sign-off/", name="action_sign_off")
def sign_off(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Signs off an action awaiting sign-off as complete (coordinators only)."""
    then, role = _get_action(request, slug, pk)
    action = then.action
    _require_coordinator(role)
    try:
        action.sign_off(by=request.user)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Action {action.reference} is signed off as complete.")
    return redirect(action.get_absolute_url())


@action_routes.page("return/", name="action_return")
def return_for_work(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Returns an action reported complete to its officer, with a reason (coordinators only)."""
    then, role = _get_action(request, slug, pk)
    action = then.action
    _require_coordinator(role)
    form = ReturnForm(request.POST or None)
    if action.status != Action.Status.AWAITING_SIGN_OFF:
        messages.error(request, "This action is not awaiting sign-off, so it cannot be returned.")
        return redirect(action.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            action.return_for_work(by=request.user, reason=form.cleaned_data["reason"])
        except InvalidTransition as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Action {action.reference} has been returned to its "
                                      "lead officer with your reason.")
        return redirect(action.get_absolute_url())
    return render_action_page(request, "recommendations/action_return.html", action, form=form)


@action_routes.page("edit/", name="action_edit")
def edit_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Changes an action's description, lead officer or due date (coordinators only).

    The form carries the version it was loaded at; if someone else saved first,
    nothing is written and the coordinator sees what they changed.
    """
    then, role = _get_action(request, slug, pk)
    action = then.action
    _require_coordinator(role)
    conflict: list[services.FieldChange] | None = None
    if request.method == "POST":
        form = ActionEditForm(request.POST, action=action)
        if form.is_valid():
            try:
                changed = action.edit(expected_version=form.cleaned_data["version"],
                                      by=request.user, reason=form.cleaned_data["reason"],
                                      **form.changes())
            except EditConflict as error:
                conflict = services.changes_since(error.current, form.cleaned_data["version"])
                # Keep what they typed, but at the new version: saving again is now a
                # decision taken with the other changes in view.
                data = request.POST.copy()
                data["version"] = str(error.current.version)
                action = error.current
                form = ActionEditForm(data, action=action)
                form.is_valid()
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if changed:
                    messages.success(request, f"Action {action.reference} has been updated.")
                else:
                    messages.info(request, "Nothing was changed.")
                return redirect(action.get_absolute_url())
    else:
        form = ActionEditForm(action=action)
    return render_action_page(request, "recommendations/action_edit.html", action, form=form, conflict=conflict)


@challenge_routes.page("recommendations/<id:number>/actions/new/", name="action_add")
def add_action(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Adds a new action to a recommendation (coordinators only)."""
    recommendation = access.get_recommendation(request, slug, number)
    challenge: PeerChallenge = recommendation.challenge
    access.require_role(request, challenge.council, COORDINATOR)
    form = NewActionForm(request.POST or None, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        action = form.create(by=request.user)
        messages.success(request, f"Action {action.reference} has been added.")
        return redirect(action.get_absolute_url())
    context = {"recommendation": recommendation, "challenge": challenge, "form": form,
               "today": timezone.localdate()}
    return render(request, "recommendations/action_add.html", context)
