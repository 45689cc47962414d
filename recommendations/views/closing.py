"""Closing and reopening actions, archiving and unarchiving challenges (coordinators only).

- An action is closed when it is superseded or no longer needed, with a reason
  (`Action.close`); a closed action takes no updates and is left out of the RAG rule.
  A coordinator may reopen it, again with a reason (`Action.reopen`).
- A challenge is archived once its cycle is over (`PeerChallenge.archive`): read-only,
  out of My actions, reminders and the inbox, still readable everywhere.
  `access.get_challenge` refuses every POST to an archived challenge except to
  `challenge_unarchive` (`access.CHANGES_WHILE_ARCHIVED`).

Who may: the council's coordinators. Other members and guests get a 403, a user of
another council (or an action of another challenge) a 404, an anonymous user the
sign-in page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from peertrack.routing import CHALLENGE, Routes
from recommendations import access
from recommendations.forms import CloseForm, ReopenForm
from recommendations.models import Action, InvalidTransition, Membership, PeerChallenge
from recommendations.views.actions import render_action_page

routes = Routes(CHALLENGE)
action_routes = routes.under("actions/<id:pk>/")

COORDINATOR = Membership.Role.COORDINATOR


def _coordinated_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    """Returns the challenge if the user coordinates its council: 404 outside their councils, else 403."""
    challenge = access.get_challenge(request, slug)
    if access.role_in(request, challenge.council) != COORDINATOR:
        raise PermissionDenied("Only a coordinator of the council can do this.")
    return challenge


def _coordinated_action(request: HttpRequest, slug: str, pk: int) -> Action:
    challenge = _coordinated_challenge(request, slug)
    queryset = Action.objects.filter(recommendation__challenge=challenge).select_related(
        "recommendation__challenge__council", "closed_by", "signed_off_by")
    return get_object_or_404(queryset, pk=pk)


def _why_not(action: Action, *, closing: bool) -> str:
    """Says why the action cannot be closed (or reopened) as it stands, or "" when it can."""
    challenge = action.recommendation.challenge
    if challenge.is_archived:
        return (f"{challenge.title} is archived, so its actions cannot be closed or reopened. "
                "A coordinator can unarchive it from the challenge's page.")
    if closing and action.status == Action.Status.CLOSED:
        return "This action is already closed."
    if closing and action.status == Action.Status.COMPLETE:
        return "This action is complete and signed off, so it cannot be closed."
    if not closing and action.status != Action.Status.CLOSED:
        return "This action is not closed, so it cannot be reopened."
    return ""


@action_routes.page("close/", name="action_close", kwargs={"closing": True})
@action_routes.page("reopen/", name="action_reopen", kwargs={"closing": False})
def close_or_reopen(request: HttpRequest, slug: str, pk: int, *, closing: bool) -> HttpResponse:
    """Asks for the reason, then closes the action, or opens a closed action again (coordinators only)."""
    action = _coordinated_action(request, slug, pk)
    refusal = _why_not(action, closing=closing)
    if refusal:
        messages.error(request, f"{refusal} Nothing was changed." if request.method == "POST" else refusal)
        return redirect(action.get_absolute_url())
    form_class = CloseForm if closing else ReopenForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if closing:
                action.close(by=request.user, reason=reason)
            else:
                action.reopen(by=request.user, reason=reason)
        except InvalidTransition as refusal:
            # E.g. another coordinator closed it, or it was signed off, a moment earlier.
            messages.error(request, str(refusal))
            return redirect(action.get_absolute_url())
        except ValidationError as error:
            for errors in error.message_dict.values():
                form.add_error("reason", errors)
        else:
            if closing:
                note = (f"Action {action.reference} is closed. It takes no more updates and is left "
                        "out of the RAG rating.")
            else:
                note = (f"Action {action.reference} is open again ({action.get_status_display().lower()}) "
                        "and counts in the RAG rating.")
            messages.success(request, note)
            return redirect(action.get_absolute_url())
    return render_action_page(request, "recommendations/action_close.html", action, form=form, closing=closing)


def _archive_page(request: HttpRequest, challenge: PeerChallenge, *, archiving: bool) -> HttpResponse:
    if archiving == challenge.is_archived:
        state = "already archived" if archiving else "not archived"
        messages.info(request, f"{challenge.title} is {state}. Nothing was changed.")
        return redirect(challenge.get_absolute_url())
    if request.method == "POST":
        changed = challenge.archive(by=request.user) if archiving else challenge.unarchive(by=request.user)
        if not changed:  # another coordinator got there first
            state = "already archived" if archiving else "not archived"
            messages.info(request, f"{challenge.title} is {state}. Nothing was changed.")
        elif archiving:
            messages.success(request, f"{challenge.title} is archived. It is read-only, and its actions are "
                                      "left out of My actions, reminders and the coordinator inbox.")
        else:
            messages.success(request, f"{challenge.title} is no longer archived. It can be changed again.")
        return redirect(challenge.get_absolute_url())
    return render(request, "recommendations/challenge_archive.html",
                  {"challenge": challenge, "archiving": archiving})


@routes.page("archive/", name="challenge_archive", kwargs={"archiving": True})
@routes.page("unarchive/", name="challenge_unarchive", kwargs={"archiving": False})
def archive_or_unarchive(request: HttpRequest, slug: str, *, archiving: bool) -> HttpResponse:
    """Asks for confirmation, then archives the challenge, or makes an archived one open to changes again
    (coordinators only)."""
    challenge = _coordinated_challenge(request, slug)
    return _archive_page(request, challenge, archiving=archiving)
