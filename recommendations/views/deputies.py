"""Deputies: someone who records progress for a lead officer until a date (`Deputy`).

Two pages name deputies and end them early:

- an action's deputies (`challenges/<slug>/actions/<pk>/deputies/`): its coordinators and
  its lead officer name a deputy for that action;
- the council's deputies (`councils/<council_slug>/deputies/`): a coordinator names a
  deputy for every action an officer leads in the council, now and later; an officer
  does so for their own actions only.

A deputy only records progress (`access.may_record_progress`); everything else stays
with the lead officer's own role and the coordinators. Ending a deputy early makes their
cover end yesterday, so it stops at once and the record stays in the list as ended.

Scrutiny members, administrators and guests get a 403; a user of another council, or an
action or deputy of another council or challenge, a 404. Nothing changes on an archived
challenge (`access.get_challenge` refuses the POSTs of an action's page).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from peertrack.routing import CHALLENGE, COUNCIL, Routes
from recommendations import access
from recommendations.forms import DeputyForm, long_date, person_name
from recommendations.models import Action, Council, Deputy, Membership

routes = Routes()
council_routes = routes.under(COUNCIL)
action_routes = routes.under(CHALLENGE + "actions/<id:pk>/")

COORDINATOR = Membership.Role.COORDINATOR
OFFICER = Membership.Role.OFFICER


def _action_and_role(request: HttpRequest, slug: str, pk: int) -> tuple[Action, str]:
    """Returns the action if the user coordinates its council or leads it: 404 outside their
    councils (or for another challenge's action), 403 for anyone else."""
    challenge = access.get_challenge(request, slug)
    queryset = Action.objects.filter(recommendation__challenge=challenge).select_related(
        "lead_officer", "recommendation__challenge__council")
    action = get_object_or_404(queryset, pk=pk)
    role = access.role_in(request, challenge.council)
    if role == COORDINATOR or (role == OFFICER and action.lead_officer_id == request.user.pk):
        return action, role
    raise PermissionDenied("Only a coordinator or the action's lead officer can name its deputies.")


def _council_and_role(request: HttpRequest, council_slug: str) -> tuple[Council, str]:
    """Returns the council if the user is one of its officers or coordinators: 404 for another
    council, 403 for its scrutiny members, administrators and guests."""
    council = get_object_or_404(Council.objects.visible_to(request.user), slug=council_slug)
    role = access.role_in(request, council)
    if role not in (COORDINATOR, OFFICER):
        raise PermissionDenied("Only the council's officers and coordinators can name deputies.")
    return council, role or ""


def _with_people(deputies: QuerySet[Deputy]) -> QuerySet[Deputy]:
    return deputies.select_related("deputy", "lead_officer", "named_by", "action__recommendation__challenge")


def _covering(action: Action) -> QuerySet[Deputy]:
    """Returns the deputies who cover `action`: named for it, or for all its lead officer's actions."""
    named = Q(action=action)
    if action.lead_officer_id is not None:
        named |= Q(lead_officer_id=action.lead_officer_id, council=action.recommendation.challenge.council)
    return Deputy.objects.filter(named)


def _covers(deputy: Deputy, user: Any) -> bool:
    """True when `deputy` covers actions `user` leads."""
    if deputy.lead_officer_id is not None:
        return bool(deputy.lead_officer_id == user.pk)
    return deputy.action is not None and deputy.action.lead_officer_id == user.pk


def _split(deputies: QuerySet[Deputy], today: dt.date) -> dict[str, list[Deputy]]:
    rows = list(_with_people(deputies).order_by("-ends_on", "pk"))
    return {"active": [row for row in rows if row.is_active(today)],
            "ended": [row for row in rows if not row.is_active(today)]}


def _scope(deputy: Deputy) -> str:
    if deputy.action is not None:
        return f"action {deputy.action.reference}"
    return f"all of {person_name(deputy.lead_officer)}’s actions"


def _end(request: HttpRequest, deputy: Deputy) -> None:
    """Ends the deputy's cover now (it ended yesterday), keeping the record; says what happened."""
    today = timezone.localdate()
    name = person_name(deputy.deputy)
    with transaction.atomic():
        current = Deputy.objects.select_for_update().get(pk=deputy.pk)
        if not current.is_active(today):
            messages.info(request, f"{name}’s cover of {_scope(deputy)} had already ended on "
                                   f"{long_date(current.ends_on)}. Nothing was changed.")
            return
        current.ends_on = today - dt.timedelta(days=1)
        current._history_user = request.user
        current.save(update_fields=["ends_on"])
    messages.success(request, f"{name} is no longer a deputy for {_scope(deputy)}.")


@action_routes.page("deputies/", name="action_deputies")
def action_deputies(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Lists the action's deputies, active and ended, and names a new one."""
    action, role = _action_and_role(request, slug, pk)
    challenge = action.recommendation.challenge
    council = challenge.council
    form = DeputyForm(request.POST if request.method == "POST" else None, council=council, action=action)
    if request.method == "POST" and form.is_valid():
        deputy = form.save(by=request.user)
        messages.success(request, f"{person_name(deputy.deputy)} can record progress on action "
                                  f"{action.reference} until the end of {long_date(deputy.ends_on)}.")
        return redirect("action_deputies", challenge.slug, action.pk)
    context = {"action": action, "challenge": challenge, "council": council, "form": form,
               "is_coordinator": role == COORDINATOR, "may_end": not challenge.is_archived,
               **_split(_covering(action), timezone.localdate())}
    return render(request, "recommendations/action_deputies.html", context)


@action_routes.post("deputies/<id:deputy_pk>/end/", name="action_deputy_end")
def end_action_deputy(request: HttpRequest, slug: str, pk: int, deputy_pk: int) -> HttpResponse:
    """Ends one of the action's deputies early (the coordinators and the action's lead officer)."""
    action, _role = _action_and_role(request, slug, pk)
    deputy = get_object_or_404(_with_people(_covering(action)), pk=deputy_pk)
    _end(request, deputy)
    return redirect("action_deputies", slug, action.pk)


@council_routes.page("deputies/", name="deputies")
def council_deputies(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Names a deputy for all of an officer's actions in the council (a coordinator for anyone,
    an officer for themselves), and lists the council's deputies the user may see."""
    council, role = _council_and_role(request, council_slug)
    user = request.user
    is_coordinator = role == COORDINATOR
    form = DeputyForm(request.POST if request.method == "POST" else None, council=council,
                      lead=None if is_coordinator else user)
    if request.method == "POST" and form.is_valid():
        deputy = form.save(by=user)
        messages.success(request, f"{person_name(deputy.deputy)} can record progress on {_scope(deputy)} "
                                  f"until the end of {long_date(deputy.ends_on)}.")
        return redirect("deputies", council.slug)
    in_council = Deputy.objects.filter(council=council)
    shown = in_council if is_coordinator else in_council.filter(Q(lead_officer=user) | Q(action__lead_officer=user))
    today = timezone.localdate()
    context = {"council": council, "form": form, "is_coordinator": is_coordinator,
               **_split(shown, today),
               "deputising": [row for row in _with_people(in_council.filter(deputy=user)).order_by("-ends_on")
                              if row.is_active(today)]}
    return render(request, "recommendations/council_deputies.html", context)


@council_routes.post("deputies/<id:deputy_pk>/end/", name="deputy_end")
def end_deputy(request: HttpRequest, council_slug: str, deputy_pk: int) -> HttpResponse:
    """Ends a deputy early: a coordinator any of the council's, an officer those covering their own actions."""
    council, role = _council_and_role(request, council_slug)
    deputy = get_object_or_404(_with_people(Deputy.objects.filter(council=council)), pk=deputy_pk)
    if role != COORDINATOR and not _covers(deputy, request.user):
        raise PermissionDenied("You can end only the deputies who cover your own actions.")
    _end(request, deputy)
    return redirect("deputies", council.slug)
