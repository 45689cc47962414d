"""Site-wide views: error pages that keep the service's look and say nothing changed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peertrack import tasks


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explains a rejected form in plain English instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Returns "ok" when the application can reach its database: for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def failed_tasks(request: HttpRequest) -> HttpResponse:
    """Lists the background tasks that failed for the councils the user coordinates or administers,
    with their error and whether another attempt is queued (peertrack/tasks.py). Platform superusers
    also see the failures of tasks that concern no one council, which no council's people see."""
    from recommendations.models import Membership

    councils = list(Membership.objects.active().filter(
        user=request.user, role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR],
    ).select_related("council").order_by("council__name").values_list("council_id", "council__name"))
    platform = request.user.is_superuser
    if not councils and not platform:
        raise PermissionDenied("Only a council's coordinators and administrators see its background tasks.")
    context = {
        "failures": tasks.failed_tasks([pk for pk, _name in councils], without_council=platform),
        "council_names": [name for _pk, name in councils],
        "platform": platform,
        "max_attempts": tasks.MAX_ATTEMPTS,
    }
    return render(request, "failed_tasks.html", context)
