"""Template context shared by every page: the organisation, and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from notifications.models import Notification
from recommendations import inbox
from recommendations.models import Action, GuestAccess, Membership

# Roles whose work is leading and updating actions: they always have My actions.
ACTION_ROLES = (Membership.Role.OFFICER, Membership.Role.COORDINATOR)
# Roles that manage a council's people (recommendations/people/services.py MANAGERS).
PEOPLE_ROLES = (Membership.Role.ADMINISTRATOR, Membership.Role.COORDINATOR)


@dataclass(frozen=True)
class Place:
    """A council the user belongs to, with their role and what the header needs to know there."""

    council: str
    role: str
    awaiting: int  # actions awaiting sign-off in the council's current challenges
    acts: bool  # leads, or is an active deputy for, an action of the council's current challenges
    slug: str = ""


class Account:
    """The signed-in person as the header and navigation show them, read on first use.

    Nothing is read for a page that does not show the header (an htmx fragment, a download).
    Members cost one query (their memberships, with the counts the navigation needs, unread
    notifications included); someone with no membership one more, for the councils they are a
    guest of, and one for their unread notifications.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.user = request.user
        self._unread: int | None = None

    @cached_property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()  # type: ignore[union-attr]

    @cached_property
    def places(self) -> list[Place]:
        if not self.user.is_authenticated:
            return []
        acts = (Action.objects.in_current_challenges().led_or_deputised_by(self.user)
                .filter(recommendation__challenge__council=OuterRef("council")))
        rows = list(Membership.objects.active().filter(user=self.user)
                    .annotate(awaiting=inbox.awaiting_sign_off_count(OuterRef("council")), acts=Exists(acts),
                              unread=Notification.objects.unread_count(OuterRef("user")))
                    .order_by("council__name")
                    .values_list("council__name", "role", "awaiting", "acts", "unread", "council__slug"))
        # The unread count rides on the same query (each row carries it), so it costs nothing more.
        self._unread = rows[0][4] if rows else None
        return [Place(row[0], row[1], row[2], row[3], slug=row[5]) for row in rows]

    @cached_property
    def unread_notifications(self) -> int:
        """The user's unread notifications: from the memberships query, or (non-members) one query."""
        if not self.user.is_authenticated:
            return 0
        if self.places:
            return int(self._unread or 0)
        return Notification.objects.for_recipient(self.user).unread().count()

    @cached_property
    def guest_councils(self) -> list[str]:
        """The councils of the challenges a non-member may read as a guest peer."""
        if self.places or not self.user.is_authenticated:
            return []
        return list(GuestAccess.objects.active().filter(user=self.user)
                    .order_by("challenge__council__name")
                    .values_list("challenge__council__name", flat=True).distinct())

    @property
    def is_guest(self) -> bool:
        return bool(self.guest_councils)

    @property
    def councils(self) -> list[str]:
        return [place.council for place in self.places] or self.guest_councils

    @property
    def first_council(self) -> str:
        return self.councils[0] if self.councils else ""

    @property
    def more_councils(self) -> int:
        return max(len(self.councils) - 1, 0)

    @property
    def is_coordinator(self) -> bool:
        return any(place.role == Membership.Role.COORDINATOR for place in self.places)

    @property
    def people_slug(self) -> str:
        """The first council whose people the user manages (an administrator or coordinator), or ""."""
        return next((place.slug for place in self.places if place.role in PEOPLE_ROLES), "")

    @property
    def awaiting_count(self) -> int:
        """Actions awaiting sign-off in the current challenges of the councils the user coordinates."""
        return sum(place.awaiting for place in self.places if place.role == Membership.Role.COORDINATOR)

    @property
    def has_my_actions(self) -> bool:
        """Officers and coordinators, and anyone who leads or deputises on an action."""
        return any(place.role in ACTION_ROLES or place.acts for place in self.places)


def account_of(request: HttpRequest) -> Account:
    """Returns the request's `Account`, made once per request."""
    account: Account = request.__dict__.setdefault("_peertrack_account", Account(request))
    return account


def site(request: HttpRequest) -> dict[str, Any]:
    """Returns the organisation name shown in the generic header, and the signed-in `account`."""
    return {"organisation_name": settings.PEERTRACK_ORGANISATION, "account": account_of(request)}
