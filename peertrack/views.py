"""Site-wide views: error pages that keep the service's look and say nothing changed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explains a rejected form in plain English instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)
