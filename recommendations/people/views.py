"""The People pages (`councils/<council_slug>/people/...`) and accepting an invitation.

Each view's first line fetches the council through `_managed`: a user of another council gets a
404, a member in any other role (or a guest) a 403. An object named in the URL (a membership, an
invitation) is looked up inside that council, so another council's is a 404 too. Who may change
whom is decided in `services` (ADR 0021): administrators manage everyone; coordinators everyone but
administrators; nobody their own membership.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from peertrack.absolute_urls import request_origin
from peertrack.http import form_page, refusal_as_message
from peertrack.routing import COUNCIL, Routes
from recommendations import access
from recommendations.forms import person_name
from recommendations.models import Council, Invitation, Membership
from recommendations.people import csv_import, services
from recommendations.people.forms import (
    AcceptForm,
    InviteForm,
    PeopleUploadForm,
    ReassignForm,
    RoleForm,
    SsoSettingForm,
)

routes = Routes()
people_routes = routes.under(COUNCIL + "people/")

TEMPLATES = "recommendations/people/"


def _managed(request: HttpRequest, council_slug: str) -> tuple[Council, str]:
    """Returns the council and the user's role there if they manage its people: 404 for another
    council, 403 for its officers, scrutiny members and guests."""
    council = get_object_or_404(Council.objects.visible_to(request.user), slug=council_slug)
    role = access.role_in(request, council)
    if role not in services.MANAGERS:
        raise PermissionDenied("Only the council's administrators and coordinators manage its people.")
    return council, str(role)


def _membership(council: Council, membership_pk: int) -> Membership:
    return get_object_or_404(Membership.objects.filter(council=council).select_related("user"), pk=membership_pk)


def _apply(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@people_routes.get("", name="people")
def people(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Lists the council's people: members now, open invitations, former members."""
    council, role = _managed(request, council_slug)
    elsewhere = list(
        Council.objects.filter(
            memberships__in=Membership.objects.active().filter(user=request.user, role__in=services.MANAGERS)
        )
        .exclude(pk=council.pk)
        .order_by("name")
        .values_list("slug", "name")
    )
    context = {
        "elsewhere": elsewhere,
        "council": council,
        "role": role,
        "nav": "people",
        "is_administrator": role == services.ADMINISTRATOR,
        "sso_form": SsoSettingForm(initial={"require_sso": council.require_sso}),
        "today": timezone.localdate(),
        **services.people_of(council),
    }
    return render(request, TEMPLATES + "people.html", context)


@people_routes.post("single-sign-on/", name="council_sso")
def council_sso(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Turns the council's single sign-on requirement on or off (administrators only)."""
    council, role = _managed(request, council_slug)
    if role != services.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator can change how the council's people sign in.")
    form = SsoSettingForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["require_sso"]
        if wanted != council.require_sso:
            council.require_sso = wanted
            council._history_user = request.user  # type: ignore[attr-defined]
            council.save(update_fields=["require_sso"])
        messages.success(
            request,
            f"{council.name}'s members must now sign in with single sign-on."
            if wanted
            else f"{council.name}'s members may sign in with a password or single sign-on.",
        )
    return redirect("people", council.slug)


@people_routes.page("invite/", name="person_invite")
def invite(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Invites one person by email, in a role."""
    council, role = _managed(request, council_slug)
    form = InviteForm(request.POST if request.method == "POST" else None, manager_role=role)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.invite(
                council=council,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                by=request.user,
                manager_role=role,
                origin=request_origin(request),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                f"{sent.invitation.name} is invited as "
                f"{sent.invitation.get_role_display().lower()}. An email with a link to "
                f"accept is on its way to {sent.invitation.email}; it works for 7 days.",
            )
            return redirect("people", council.slug)
    return form_page(request, TEMPLATES + "invite.html", {"council": council, "form": form, "nav": "people"}, form)


def _invitation(council: Council, invitation_pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.filter(council=council), pk=invitation_pk)


@people_routes.post("invitations/<id:invitation_pk>/resend/", name="invitation_resend")
def invitation_resend(request: HttpRequest, council_slug: str, invitation_pk: int) -> HttpResponse:
    """Sends an open invitation again with a new link; the old link stops working."""
    council, role = _managed(request, council_slug)
    invitation = _invitation(council, invitation_pk)
    with refusal_as_message(request, ValueError):
        services.resend(invitation=invitation, by=request.user, manager_role=role, origin=request_origin(request))
        messages.success(
            request,
            f"The invitation is sent again to {invitation.email}, with a new link that "
            "works for 7 days. The earlier link no longer works.",
        )
    return redirect("people", council.slug)


@people_routes.post("invitations/<id:invitation_pk>/revoke/", name="invitation_revoke")
def invitation_revoke(request: HttpRequest, council_slug: str, invitation_pk: int) -> HttpResponse:
    """Revokes an open invitation: its link stops working."""
    council, role = _managed(request, council_slug)
    invitation = _invitation(council, invitation_pk)
    if services.revoke(invitation=invitation, by=request.user, manager_role=role):
        messages.success(request, f"The invitation to {invitation.email} is revoked; its link no longer works.")
    else:
        messages.error(
            request, f"The invitation to {invitation.email} was already accepted or revoked. Nothing was changed."
        )
    return redirect("people", council.slug)


@people_routes.page("<id:membership_pk>/", name="person")
def person(request: HttpRequest, council_slug: str, membership_pk: int) -> HttpResponse:
    """Shows one member (role, open actions, history) and changes their role."""
    council, role = _managed(request, council_slug)
    membership = _membership(council, membership_pk)
    is_self = membership.user_id == request.user.pk
    may_change = not is_self and (role == services.ADMINISTRATOR or membership.role != services.ADMINISTRATOR)
    form = RoleForm(
        request.POST if request.method == "POST" else None, manager_role=role, initial={"role": membership.role}
    )
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(
                "You cannot change this person's role."
                if not is_self
                else "You cannot change your own role. Ask another administrator."
            )
        if form.is_valid():
            try:
                changed = services.change_role(
                    membership=membership, role=form.cleaned_data["role"], by=request.user, manager_role=role
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                name = person_name(membership.user)
                messages.success(
                    request,
                    f"{name} is now {membership.get_role_display().lower()}."
                    if changed
                    else f"{name} was already {membership.get_role_display().lower()}.",
                )
                return redirect("person", council.slug, membership.pk)
    today = timezone.localdate()
    context = {
        "council": council,
        "membership": membership,
        "person": membership.user,
        "form": form,
        "nav": "people",
        "may_change": may_change,
        "is_self": is_self,
        "is_active": membership.expires_on is None or membership.expires_on >= today,
        "open_actions": list(services.open_actions_led_by(council, membership.user)),
        "history": list(membership.history.select_related("history_user").order_by("-history_date")[:20]),
    }
    return form_page(request, TEMPLATES + "person.html", context, form)


@people_routes.page("<id:membership_pk>/deactivate/", name="person_deactivate")
def deactivate(request: HttpRequest, council_slug: str, membership_pk: int) -> HttpResponse:
    """Asks, then ends the person's membership today; their record and history stay."""
    council, role = _managed(request, council_slug)
    membership = _membership(council, membership_pk)
    if membership.user_id == request.user.pk:
        raise PermissionDenied("You cannot deactivate yourself. Ask another administrator.")
    services.check_may_manage(manager_role=role, role=membership.role)
    name = person_name(membership.user)
    if request.method == "POST":
        if services.deactivate(membership=membership, by=request.user, manager_role=role):
            count = services.open_actions_led_by(council, membership.user).count()
            follow = (
                f" Their {count} open action{'s' if count != 1 else ''} now show in the coordinators' "
                "inbox until reassigned."
                if count
                else ""
            )
            messages.success(request, f"{name} no longer has access to {council.name}.{follow}")
        else:
            messages.info(request, f"{name} had already left {council.name}. Nothing was changed.")
        return redirect("person", council.slug, membership.pk)
    context = {
        "council": council,
        "membership": membership,
        "person": membership.user,
        "nav": "people",
        "open_actions": list(services.open_actions_led_by(council, membership.user)),
    }
    return render(request, TEMPLATES + "deactivate.html", context)


@people_routes.page("<id:membership_pk>/reassign/", name="person_reassign")
def reassign(request: HttpRequest, council_slug: str, membership_pk: int) -> HttpResponse:
    """Moves some or all of one person's open actions to a new lead officer, all at once."""
    council, _role = _managed(request, council_slug)
    membership = _membership(council, membership_pk)
    from_user = membership.user
    actions = list(services.open_actions_led_by(council, from_user))
    form = ReassignForm(
        request.POST if request.method == "POST" else None, council=council, from_user=from_user, actions=actions
    )
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            moved = services.reassign(
                council=council,
                from_user=from_user,
                to_user=to_user,
                action_ids=[int(pk) for pk in form.cleaned_data["actions"]],
                by=request.user,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                f"{len(moved)} action{'s' if len(moved) != 1 else ''} moved from "
                f"{person_name(from_user)} to {person_name(to_user)}: "
                f"{', '.join(action.reference for action in moved)}.",
            )
            return redirect("person", council.slug, membership.pk)
    context = {
        "council": council,
        "membership": membership,
        "person": from_user,
        "form": form,
        "nav": "people",
        "actions": actions,
    }
    return form_page(request, TEMPLATES + "reassign.html", context, form)


@people_routes.page("import/", name="people_import")
def people_import(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Uploads a CSV of people and previews it; nothing is written until confirmed."""
    council, role = _managed(request, council_slug)
    form = PeopleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        reading = csv_import.read(upload.read(), council=council, manager_role=role)
        return _preview(request, council, reading)
    context = {"council": council, "form": form, "nav": "people", "max_rows": csv_import.MAX_ROWS}
    return form_page(request, TEMPLATES + "import.html", context, form)


def _preview(request: HttpRequest, council: Council, reading: csv_import.Reading) -> HttpResponse:
    context = {
        "council": council,
        "reading": reading,
        "nav": "people",
        "payload": csv_import.sign(reading, council=council) if reading.ok else "",
    }
    return render(request, TEMPLATES + "import_preview.html", context, status=200 if reading.ok else 400)


@people_routes.post("import/confirm/", name="people_import_confirm")
def people_import_confirm(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Invites everyone previewed, checking each again: all of them, or nobody."""
    council, role = _managed(request, council_slug)
    try:
        rows = csv_import.unsign(request.POST.get("payload", ""), council=council)
    except ValueError as error:
        return _preview(request, council, csv_import.Reading(problem=str(error)))
    outcome = csv_import.invite_all(
        rows=rows, council=council, by=request.user, manager_role=role, origin=request_origin(request)
    )
    if isinstance(outcome, csv_import.Reading):
        if not outcome.problem:
            outcome.problem = "Something changed since the preview, so nobody was invited. The problems are below."
        return _preview(request, council, outcome)
    messages.success(
        request,
        f"{len(outcome)} {'person is' if len(outcome) == 1 else 'people are'} invited; "
        "each has an email with a link to accept that works for 7 days.",
    )
    return redirect("people", council.slug)


@routes.page("invitation/<str:token>/", name="invitation_accept", signed_in=False)
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accepts an invitation: a new person chooses a password (unless their council uses single
    sign-on); someone who already has an account just confirms."""
    invitation = services.find_invitation(token)
    reason = services.unusable_reason(invitation)
    if reason or invitation is None:
        return render(
            request, TEMPLATES + "accept_unusable.html", {"reason": reason}, status=410 if invitation else 404
        )
    account = services.existing_account(invitation.email)
    sso_only = invitation.council.require_sso and settings.PEERTRACK_OIDC_ENABLED
    needs_password = not sso_only and (account is None or not account.has_usable_password())
    person = account or get_user_model()(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )
    form = AcceptForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and (not needs_password or form.is_valid()):
        try:
            user = services.accept(token=token, password=form.cleaned_data["new_password1"] if needs_password else None)
        except services.InvitationUnusable as refusal:
            return render(request, TEMPLATES + "accept_unusable.html", {"reason": str(refusal)}, status=410)
        what = (
            f"You have joined {invitation.council.name} as {invitation.get_role_display().lower()}. "
            f"Sign in with your username, {user.get_username()}"
            + (
                ", and the password you chose."
                if needs_password
                else " (or with single sign-on)."
                if sso_only
                else ", and your password."
            )
        )
        messages.success(request, what)
        return redirect(reverse("login"))
    context = {
        "invitation": invitation,
        "form": form,
        "needs_password": needs_password,
        "sso_only": sso_only,
        "has_account": account is not None,
        "token": token,
    }
    # On a GET the form is unbound, so it has no errors and the page is a 200.
    return form_page(request, TEMPLATES + "accept.html", context, form)
