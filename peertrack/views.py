"""Site-wide views: error pages that keep the service's look and say nothing changed."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explains a rejected form in plain English instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Returns "ok" when the application can reach its database: for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
