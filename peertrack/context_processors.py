"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Returns the organisation name shown in the generic header."""
    return {"organisation_name": settings.PEERTRACK_ORGANISATION}
