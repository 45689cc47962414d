"""The people workflows: inviting, accepting, changing a role, deactivating, reassigning actions.

Each is a keyword-only function inside one transaction; one-object state changes are model
methods (`Invitation.renew`, `Invitation.revoke`). Who may do what (ADR 0021):

* a council's administrators manage everyone in it, in every role;
* its coordinators manage everyone except administrators, and cannot make anyone one;
* nobody changes or deactivates their own membership here, so a council never loses the last
  person who could put it right by a slip of the mouse.

Deactivating ends a membership (its `expires_on` becomes yesterday): the row and its history stay,
the person no longer sees the council, and their open actions show in the coordinators' inbox under
"Lead officer inactive or missing" (`inbox.Inbox.leads_to_reassign`) until they are reassigned.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from peertrack import tasks
from peertrack.absolute_urls import absolute_url
from recommendations import asof
from recommendations.models import Action, Council, Invitation, Membership

ADMINISTRATOR = Membership.Role.ADMINISTRATOR
COORDINATOR = Membership.Role.COORDINATOR
# The roles that manage a council's people.
MANAGERS = (ADMINISTRATOR, COORDINATOR)
# Roles a lead officer may hold (Action.possible_lead_officers): reassigning offers these.
LEADING_ROLES: list[str] = [Membership.Role.OFFICER, Membership.Role.COORDINATOR]


def grantable_roles(manager_role: str) -> list[tuple[str, str]]:
    """Returns the (value, label) roles someone with `manager_role` may give."""
    return [
        (value, label)
        for value, label in Membership.Role.choices
        if manager_role == ADMINISTRATOR or value != ADMINISTRATOR
    ]


def check_may_manage(*, manager_role: str, role: str) -> None:
    """Raises PermissionDenied unless `manager_role` may manage someone in `role`."""
    if role == ADMINISTRATOR and manager_role != ADMINISTRATOR:
        raise PermissionDenied("Only an administrator can change or invite administrators.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _active_member(council: Council, email: str) -> Membership | None:
    return Membership.objects.active().filter(council=council, user__email__iexact=email).select_related("user").first()


@dataclass(frozen=True)
class Sent:
    """An invitation and the link its email carries (only ever in memory: the database holds its hash)."""

    invitation: Invitation
    link: str


def _link(token: str, origin: str) -> str:
    return absolute_url(reverse("invitation_accept", args=[token]), origin=origin)


def _email_invitation(invitation: Invitation, link: str) -> None:
    """Queues the invitation's email once the transaction commits."""
    council = invitation.council
    inviter = invitation.invited_by
    by = f" by {inviter.get_full_name() or inviter.get_username()}" if inviter is not None else ""
    sso = (
        (
            f"\n{council.name} signs its people in with single sign-on: after accepting, use the "
            "single sign-on button on the sign-in page."
        )
        if council.require_sso
        else ""
    )
    body = (
        f"Dear {invitation.first_name},\n\n"
        f"You have been invited{by} to {council.name}'s peer challenge action plan, as "
        f"{invitation.get_role_display().lower()}.\n\n"
        f"Accept the invitation here (the link works once, until "
        f"{timezone.localtime(invitation.expires_at):%-d %B %Y at %H:%M}):\n{link}\n{sso}\n"
        "If you were not expecting this, you can ignore this email."
    )
    tasks.enqueue_on_commit(
        tasks.send_email,
        subject=f"You are invited to {council.name}'s action plan",
        body=body,
        to=[invitation.email],
        council_id=council.pk,
    )


def validate_invitation(*, council: Council, email: str, role: str, manager_role: str) -> dict[str, str]:
    """Returns what stops `email` being invited to `council` in `role`, by form field (nothing: it may be)."""
    problems = {}
    if role not in Membership.Role.values:
        problems["role"] = "Choose a role from the list."
    elif role == ADMINISTRATOR and manager_role != ADMINISTRATOR:
        problems["role"] = "Only an administrator can invite an administrator."
    member = _active_member(council, email)
    if member is not None:
        problems["email"] = (
            f"{email} is already a member of {council.name}, as "
            f"{member.get_role_display().lower()}. Change their role from the People page."
        )
    elif Invitation.objects.filter(
        council=council, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        problems["email"] = f"{email} has already been invited. Send the invitation again, or revoke it first."
    return problems


@transaction.atomic
def invite(
    *,
    council: Council,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    by: Any,
    manager_role: str,
    origin: str = "",
) -> Sent:
    """Invites `email` to `council` in `role` and queues the email with its one-time link.

    Raises ValidationError (field "email" or "role") when the person is already a member, already
    invited, or `manager_role` may not give `role`.
    """
    email = normalise_email(email)
    problems = validate_invitation(council=council, email=email, role=role, manager_role=manager_role)
    if problems:
        raise ValidationError(problems)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        council=council,
        email=email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        role=role,
        invited_by=by,
        token_hash=Invitation.hash_token(token),
        sent_at=now,
        expires_at=now + Invitation.LIFETIME,
    )
    invitation._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # someone invited the same address a moment before
        raise ValidationError(
            {"email": f"{email} has already been invited. Send the invitation again, or revoke it first."}
        ) from None
    link = _link(token, origin)
    _email_invitation(invitation, link)
    return Sent(invitation, link)


@transaction.atomic
def resend(*, invitation: Invitation, by: Any, manager_role: str, origin: str = "") -> Sent:
    """Sends the invitation again with a new link (the old one stops working) valid for 7 days."""
    check_may_manage(manager_role=manager_role, role=invitation.role)
    token = invitation.renew(by=by)
    link = _link(token, origin)
    _email_invitation(invitation, link)
    return Sent(invitation, link)


def revoke(*, invitation: Invitation, by: Any, manager_role: str) -> bool:
    """Revokes the invitation: its link stops working. False when it was accepted or revoked already."""
    check_may_manage(manager_role=manager_role, role=invitation.role)
    return invitation.revoke(by=by)


def find_invitation(token: str) -> Invitation | None:
    """Returns the invitation whose link carries `token` (in any state), or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("council", "accepted_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


class InvitationUnusable(Exception):
    """The link was used, revoked or has expired; the message says which, for the person."""


def unusable_reason(invitation: Invitation | None) -> str:
    """Says why a link does not work, or "" when it does."""
    if invitation is None:
        return (
            "This invitation link is not valid. Check you copied the whole link from the email, "
            "or ask whoever invited you to send it again."
        )
    if invitation.accepted_at is not None:
        return "This invitation has already been accepted. Sign in with your username and password."
    if invitation.revoked_at is not None:
        return "This invitation was withdrawn. Ask whoever invited you if you still need access."
    if not invitation.is_usable():
        return "This invitation link has expired (links work for 7 days). Ask whoever invited you to send it again."
    return ""


def existing_account(email: str) -> Any:
    """Returns the one active account with `email`, or None (none, or more than one)."""
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk")[:2])
    return users[0] if len(users) == 1 else None


def _username_for(email: str) -> str:
    users = get_user_model().objects
    base = email[:150]
    if not users.filter(username__iexact=base).exists():
        return base
    for n in range(2, 1000):
        candidate = f"{base[:140]}-{n}"
        if not users.filter(username__iexact=candidate).exists():
            return candidate
    raise ValidationError("No free username could be made for this address.")


def _join(invitation: Invitation, user: Any) -> Membership:
    """Gives `user` the invitation's membership (renewing an ended one of the same council)."""
    membership = Membership.objects.select_for_update().filter(user=user, council=invitation.council).first()
    if membership is None:
        membership = Membership(user=user, council=invitation.council)
    membership.role = invitation.role
    membership.expires_on = None
    membership._history_user = invitation.invited_by  # type: ignore[union-attr]
    membership._change_reason = "Accepted an invitation"  # type: ignore[union-attr]
    membership.save()
    return membership


@transaction.atomic
def accept(*, token: str, password: str | None = None) -> Any:
    """Accepts the invitation `token` names and returns the account that joined.

    The invitation row is locked first, so two clicks on "Accept" (or two tabs) accept once:
    the second raises InvitationUnusable ("already accepted"). The account is the one active
    account with the invitation's email, or a new one (username: the email) with `password`
    (none: it signs in only through single sign-on until a password is set by reset).
    """
    found = find_invitation(token)
    invitation = Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
    reason = unusable_reason(invitation)
    if reason or invitation is None:
        raise InvitationUnusable(reason)
    user = existing_account(invitation.email)
    if user is None:
        if get_user_model().objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable(
                "More than one account, or a switched-off account, uses this address. "
                "Ask whoever invited you to sort it out."
            )
        user = get_user_model().objects.create_user(
            username=_username_for(invitation.email),
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    elif password and not user.has_usable_password():
        user.set_password(password)
        user.save(update_fields=["password"])
    _join(invitation, user)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_by=user)
    invitation.refresh_from_db()
    Invitation.history.bulk_history_create(
        [invitation], update=True, default_user=user, default_change_reason="Accepted"
    )
    return user


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: Any, manager_role: str) -> bool:
    """Gives the member `role`. Returns False when it was their role already."""
    if membership.user_id == getattr(by, "pk", None):
        raise PermissionDenied("You cannot change your own role. Ask another administrator.")
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    check_may_manage(manager_role=manager_role, role=locked.role)
    check_may_manage(manager_role=manager_role, role=role)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose a role from the list."})
    if locked.role == role:
        return False
    _save_change(membership, locked, by=by, reason="Role changed", role=role)
    return True


@transaction.atomic
def deactivate(*, membership: Membership, by: Any, manager_role: str, today: dt.date | None = None) -> bool:
    """Ends the membership now (its last day was yesterday), keeping it and its history.

    Returns False when it had ended already. Their open actions stay theirs until reassigned and
    show in the coordinators' inbox meanwhile.
    """
    if membership.user_id == getattr(by, "pk", None):
        raise PermissionDenied("You cannot deactivate yourself. Ask another administrator.")
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    check_may_manage(manager_role=manager_role, role=locked.role)
    yesterday = (today or timezone.localdate()) - dt.timedelta(days=1)
    if locked.expires_on is not None and locked.expires_on <= yesterday:
        return False
    _save_change(membership, locked, by=by, reason="Deactivated", expires_on=yesterday)
    return True


def _save_change(membership: Membership, locked: Membership, *, by: Any, reason: str, **changes: Any) -> None:
    """Saves `changes` to `locked` (the membership's row, locked for update), its history naming `by` and
    `reason`, and refreshes `membership`."""
    for name, value in changes.items():
        setattr(locked, name, value)
    locked._history_user = by  # type: ignore[attr-defined]  # read by simple-history
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save(update_fields=list(changes))
    membership.refresh_from_db()


def open_actions_led_by(council: Council, user: Any) -> QuerySet[Action]:
    """Returns the open actions `user` leads in `council`'s current challenges, in plan order."""
    return (
        Action.objects.in_current_challenges()
        .filter(recommendation__challenge__council=council, lead_officer=user)
        .exclude(status__in=asof.FINISHED)
        .select_related("recommendation__challenge")
        .order_by("recommendation__challenge__title", "recommendation__number", "reference", "pk")
    )


def reassign(*, council: Council, from_user: Any, to_user: Any, action_ids: list[int], by: Any) -> list[Action]:
    """Makes `to_user` the lead officer of the chosen open actions `from_user` leads in `council`.

    All or nothing: if any chosen action is not one of them (another council's, finished, archived,
    already moved by someone else) nothing changes and ValidationError says so. Each action is
    changed by `Action.edit`, so each keeps its own history record. Returns the actions changed.
    """
    if not action_ids:
        raise ValidationError({"actions": "Select at least one action to reassign."})
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Choose someone other than the current lead officer."})
    if not Action.possible_lead_officers(council, roles=LEADING_ROLES).filter(pk=to_user.pk).exists():
        raise ValidationError({"to_user": "Choose an active officer or coordinator of the council."})
    with transaction.atomic():
        chosen = list(open_actions_led_by(council, from_user).filter(pk__in=action_ids).select_for_update(of=("self",)))
        if len(chosen) != len(set(action_ids)):
            raise ValidationError(
                {
                    "actions": "Some of the selected actions are no longer led by this person "
                    "or are finished, so nothing was reassigned. Check the list and try again."
                }
            )
        reason = f"Reassigned by {by.get_full_name() or by.get_username()}"
        for action in chosen:
            action.edit(expected_version=action.version, by=by, reason=reason, lead_officer=to_user)
    return chosen


# --- single sign-on ----------------------------------------------------------------------------


def sso_required_council(user: Any) -> Council | None:
    """Returns a council that requires single sign-on of `user` (an active member), or None.

    Platform staff (superusers) keep their passwords, and so do guest peers, who are not members.
    """
    if user.is_superuser or not settings.PEERTRACK_OIDC_ENABLED:
        return None
    return (
        Council.objects.filter(require_sso=True, memberships__in=Membership.objects.active().filter(user=user))
        .order_by("name")
        .first()
    )


@dataclass(frozen=True)
class SsoOutcome:
    """Who a verified email signs in as, or why nobody: "unknown", "ambiguous"."""

    user: Any = None
    refusal: str = ""


@transaction.atomic
def match_sso_person(email: str) -> SsoOutcome:
    """Returns the account a verified email from the provider signs in as (ADR 0021).

    The one rule: an active account with that email and an active membership; or an open, unexpired
    invitation for that email, which is accepted now (the administrator chose the person and the
    role). Signing in never makes a membership by itself: anyone else is refused ("unknown"), and
    so is an address two accounts share ("ambiguous").
    """
    email = normalise_email(email)
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk")[:2])
    if len(users) > 1:
        return SsoOutcome(refusal="ambiguous")
    user = users[0] if users else None
    now = timezone.now()
    invitations = list(
        Invitation.objects.select_for_update()
        .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("pk")
    )
    if user is not None and not invitations:
        if Membership.objects.active().filter(user=user).exists():
            return SsoOutcome(user=user)
        return SsoOutcome(refusal="unknown")
    if not invitations:
        return SsoOutcome(refusal="unknown")
    if user is None and get_user_model().objects.filter(email__iexact=email).exists():
        return SsoOutcome(refusal="ambiguous")  # a switched-off account holds the address
    for invitation in invitations:
        if user is None:
            user = get_user_model().objects.create_user(
                username=_username_for(email),
                email=email,
                first_name=invitation.first_name,
                last_name=invitation.last_name,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        _join(invitation, user)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now, accepted_by=user)
        invitation.refresh_from_db()
        Invitation.history.bulk_history_create(
            [invitation], update=True, default_user=user, default_change_reason="Accepted by single sign-on"
        )
    return SsoOutcome(user=user)


def administrators_for(email: str) -> list[tuple[str, list[str]]]:
    """Returns, for the councils whose members use `email`'s domain, the names of their
    administrators: whom a person who could not sign in should ask. Empty when none matches."""
    domain = normalise_email(email).rpartition("@")[2]
    if not domain:
        return []
    active = Membership.objects.active()
    councils = (
        Council.objects.filter(memberships__in=active.filter(user__email__iendswith=f"@{domain}"))
        .distinct()
        .order_by("name")
    )
    found = []
    for council in councils[:5]:
        admins = (
            active.filter(council=council, role=ADMINISTRATOR, user__is_active=True)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        names = [m.user.get_full_name() or m.user.get_username() for m in admins]
        if names:
            found.append((council.name, names))
    return found


def people_of(council: Council) -> dict[str, Any]:
    """Returns the council's members now, its former members and its invitations, for the People page."""
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(council=council)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    current = [m for m in memberships if m.expires_on is None or m.expires_on >= today]
    former = [m for m in memberships if m.expires_on is not None and m.expires_on < today]
    invitations = list(
        Invitation.objects.filter(council=council)
        .filter(Q(accepted_at__isnull=True, revoked_at__isnull=True))
        .select_related("invited_by")
        .order_by("-sent_at")
    )
    return {"current": current, "former": former, "invitations": invitations}
