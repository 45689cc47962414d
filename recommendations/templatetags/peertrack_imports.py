"""Template tags for the import and export links on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from recommendations.models import Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def coordinates(context: Any, council: Any) -> bool:
    """Returns True when the signed-in user coordinates `council`.

    Only decides whether to show a link; the linked views check the role themselves.
    One query per request, however many councils the page lists.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    if not hasattr(request, "_peertrack_coordinated"):
        request._peertrack_coordinated = set(
            Membership.objects.active()
            .filter(user=request.user, role=Membership.Role.COORDINATOR)
            .values_list("council_id", flat=True)
        )
    return council.pk in request._peertrack_coordinated
