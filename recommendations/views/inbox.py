"""The coordinator's inbox ("Needs your attention"), and signing off or returning from it.

Who may do what:

- anyone with an active coordinator membership of a council sees the inbox of that council's
  current challenges (`recommendations/inbox.py` says what is listed), signs off and returns;
- everyone else gets a 403 (officers, scrutiny members, administrators, guests), a signed-out
  user the sign-in page;
- a sign-off names its actions in the form: any action outside the councils the user
  coordinates refuses the whole request (`inbox.sign_off_many`);
- a return names its challenge in the address, so another council's action is a 404 and an
  archived challenge's a 403 (`access.get_challenge`).

A plain POST is answered with a redirect to the inbox and a message; an htmx POST with the
awaiting section, the other lists out of band and the result in the page's live region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from peertrack import idempotency
from peertrack.http import SignedInRequest
from peertrack.routing import Routes
from recommendations import access, inbox
from recommendations.forms import ReturnForm
from recommendations.models import Action, Council, InvalidTransition
from recommendations.templatetags.peertrack import person

routes = Routes("inbox/")

PAGE = "recommendations/inbox.html"
UPDATED = "recommendations/inbox_updated.html"


@dataclass(frozen=True)
class ReturnProblem:
    """A return form sent back with an error: which action, the message and what was typed."""

    pk: int
    message: str
    reason: str


def _councils(request: SignedInRequest) -> list[Council]:
    """Returns the councils the user coordinates; PermissionDenied when there are none."""
    councils = inbox.coordinated_councils(request.user)
    if not councils:
        raise PermissionDenied("Only a council's coordinators have this list: it is where they sign off "
                               "completed actions and see which actions need chasing.")
    return councils


def _context(councils: list[Council], **extra: Any) -> dict[str, Any]:
    box = inbox.inbox_for(councils)
    return {"inbox": box, "councils": councils, "many_councils": len(councils) > 1, "nav": "inbox",
            "awaiting_count": len(box.awaiting), **extra}


def _answer(request: SignedInRequest, councils: list[Council], done: str, problems: list[str]) -> HttpResponse:
    """Tells the user what happened: a message and a redirect, or (htmx) the refreshed lists."""
    location = reverse("inbox")
    if not request.htmx:
        if done:
            messages.success(request, done)
        for problem in problems:
            messages.error(request, problem)
        return redirect(location)
    idempotency.finished(request, location)
    context = _context(councils, announcement=[line for line in (done, *problems) if line],
                       done=done, oob=True, focus=True)
    return render(request, UPDATED, context)


@routes.get("", name="inbox")
def inbox_page(request: SignedInRequest) -> HttpResponse:
    """Lists what needs the coordinator's attention across their councils' current challenges."""
    return render(request, PAGE, _context(_councils(request)))


@routes.post("sign-off/", name="inbox_sign_off")
def sign_off(request: SignedInRequest) -> HttpResponse:
    """Signs off the actions posted as `actions` (one, or those ticked), each on its own."""
    councils = _councils(request)
    outcome = inbox.sign_off_many(chosen=request.POST.getlist("actions"), councils=councils, by=request.user)
    if outcome.problem:
        return _answer(request, councils, "", [outcome.problem])
    done = outcome.summary if outcome.signed else ""
    problems = outcome.refusals if outcome.signed else [outcome.summary, *outcome.refusals]
    return _answer(request, councils, done, problems)


@routes.post("challenges/<slug:slug>/actions/<id:pk>/return/", name="inbox_return")
def return_for_work(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """Returns an action awaiting sign-off to its officer with the coordinator's reason."""
    challenge = access.get_challenge(request, slug)
    access.require_role(request, challenge.council, access.COORDINATOR)
    action = get_object_or_404(Action.objects.filter(recommendation__challenge=challenge)
                               .select_related("recommendation__challenge", "lead_officer"), pk=pk)
    councils = _councils(request)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors["reason"])
        problem = ReturnProblem(action.pk, message, request.POST.get("reason", ""))
        context = _context(councils, return_problem=problem)
        return render(request, f"{PAGE}#awaiting" if request.htmx else PAGE, context)
    try:
        action.return_for_work(by=request.user, reason=form.cleaned_data["reason"])
    except InvalidTransition as refusal:
        return _answer(request, councils, "", [f"Action {inbox.describe(action)} was not returned. {refusal}"])
    officer = person(action.lead_officer) or "its lead officer"
    return _answer(request, councils, f"Action {inbox.describe(action)} has been returned to {officer} "
                                      "with your reason.", [])
