"""What the sign-in page shows of single sign-on, read from the settings when the page is drawn."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("registration/sso_button.html", takes_context=True)
def sso_button(context: dict[str, Any]) -> dict[str, Any]:
    """The "Sign in with Microsoft" button (its words configurable) when single sign-on is configured."""
    return {
        "enabled": bool(getattr(settings, "PEERTRACK_OIDC_ENABLED", False)),
        "label": settings.PEERTRACK_OIDC_LABEL,
        "next": context.get("next", ""),
    }
