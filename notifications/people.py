"""Who is told: a council's coordinators and scrutiny members, and who may lead its actions.

The rules are the ones the rest of the product uses: an active account with an unexpired
`Membership` of the council (`Membership.objects.active()`), and for lead officers
`Action.possible_lead_officers`, the one rule for who may lead an action of a council.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from recommendations.models import Action, Membership


def members(council_id: int, role: str) -> QuerySet[Any]:
    """Returns the active accounts with an unexpired membership of the council in `role`."""
    roles = Membership.objects.active().filter(council_id=council_id, role=role)
    return get_user_model().objects.filter(is_active=True, pk__in=roles.values("user")).order_by("pk")


def coordinators(council_id: int) -> list[Any]:
    return list(members(council_id, Membership.Role.COORDINATOR))


def scrutiny_members(council_id: int) -> list[Any]:
    return list(members(council_id, Membership.Role.SCRUTINY))


def possible_leads(council_id: int) -> set[int]:
    """Returns the ids of those who may lead an action of the council now: one query."""
    return set(Action.possible_lead_officers(council_id).values_list("pk", flat=True))


def name(user: Any) -> str:
    """Returns a person's full name, or their username when no name is recorded."""
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()
