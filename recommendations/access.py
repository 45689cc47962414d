"""The one place views ask what a user may see and do.

A view's first line fetches its object through one of these helpers, so a user
of another council gets a 404 (the object might as well not exist) and a user
without the right role gets a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from recommendations.models import Action, Council, Deputy, GuestAccess, Membership, PeerChallenge, Recommendation

# A returning peer with unexpired guest access to one of the council's challenges. Not a
# Membership role: no view that changes anything accepts it, so a guest only reads.
GUEST = "guest"
COORDINATOR = Membership.Role.COORDINATOR
OFFICER = Membership.Role.OFFICER

# The one change an archived challenge still takes.
CHANGES_WHILE_ARCHIVED = {"challenge_unarchive"}


class ChallengeArchived(PermissionDenied):
    """Something was posted to an archived challenge: it is read-only until unarchived."""

    def __init__(self, challenge: PeerChallenge) -> None:
        super().__init__(f"{challenge.title} is archived, so it is read-only and nothing was changed. "
                         "A coordinator can unarchive it from the challenge's page.")


def role_in(request: HttpRequest, council: Council) -> str | None:
    """Returns the user's role in `council` (a `Membership.Role` value, or GUEST), or None.

    An active `Membership` gives its role; failing that, unexpired `GuestAccess` to
    one of the council's challenges gives GUEST, as `PeerChallengeQuerySet.visible_to`
    lets a guest read that one challenge. A member's role wins over guest access.
    Cached on the request, as a page asks this more than once.
    """
    cache: dict[int, str | None] = request.__dict__.setdefault("_peertrack_roles", {})
    if council.pk not in cache:
        role = (
            Membership.objects.active()
            .filter(user=request.user, council=council)
            .values_list("role", flat=True)
            .first()
        )
        if role is None and request.user.is_authenticated and (
            GuestAccess.objects.active().filter(user=request.user, challenge__council=council).exists()
        ):
            role = GUEST
        cache[council.pk] = role
    return cache[council.pk]


def get_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    """Returns the challenge if the user belongs to its council; raises Http404 otherwise.

    An archived challenge is read-only: any POST to it (save unarchiving it) raises
    ChallengeArchived, whoever sends it, so no view that changes something can forget.
    """
    queryset = PeerChallenge.objects.visible_to(request.user).select_related("council")
    challenge = get_object_or_404(queryset, slug=slug)
    if challenge.is_archived and request.method not in ("GET", "HEAD", "OPTIONS"):
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in CHANGES_WHILE_ARCHIVED:
            raise ChallengeArchived(challenge)
    return challenge


def get_recommendation(request: HttpRequest, slug: str, number: int) -> Recommendation:
    """Returns the recommendation if the user may see its challenge; raises Http404 otherwise."""
    challenge = get_challenge(request, slug)
    return get_object_or_404(
        Recommendation.objects.select_related("theme", "challenge__council"), challenge=challenge, number=number
    )


def coordinated_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    """Returns the challenge if the user coordinates its council: 404 outside their councils, else 403."""
    challenge = get_challenge(request, slug)
    require_role(request, challenge.council, COORDINATOR)
    return challenge


def require_role(request: HttpRequest, council: Council, *roles: str) -> str:
    """Returns the user's role, raising PermissionDenied unless it is one of `roles`."""
    role = role_in(request, council)
    if role not in roles:
        raise PermissionDenied("Your role does not allow this.")
    return role


def is_deputy(request: HttpRequest, action: Action) -> bool:
    """True when the user is named, and still in time, as a deputy for `action` or its lead officer."""
    if not request.user.is_authenticated:
        return False
    return Deputy.objects.for_action(action).filter(deputy=request.user).exists()


def may_record_progress(request: HttpRequest, action: Action, role: str | None) -> bool:
    """The progress rule: the council's coordinators, the lead officer and their deputies (who must
    still be the council's officers or coordinators) record progress, while the challenge is not
    archived and the action takes updates."""
    if action.recommendation.challenge.is_archived or role not in (COORDINATOR, OFFICER):
        return False
    if role == COORDINATOR or action.lead_officer_id == request.user.pk:
        return True
    return is_deputy(request, action)
