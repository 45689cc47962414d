"""Sign-in lockout rules on top of django-axes (docs/SECURITY.md, "Sign-in lockout").

Two limits apply, both counted over the cool-off window (AXES_COOLOFF_TIME):

- a username at one address: AXES_FAILURE_LIMIT wrong passwords for "bob" from one address lock
  "bob" at that address only, so a stranger elsewhere cannot lock bob out of his own office;
- an address on its own: PEERTRACK_LOCKOUT_ADDRESS_FAILURES wrong passwords from one address, for
  any usernames, lock that address, so it cannot try a few passwords for every username.

axes compares one failure limit with the largest count over its lockout parameter sets, so it
cannot give the address its own, higher limit; LockoutHandler adds the second limit.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

_USERNAME_STORED = AccessAttempt._meta.get_field("username").max_length or 255


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Returns the address a request came from, as the lockout counts it.

    The connection's own address (REMOTE_ADDR) unless PEERTRACK_TRUSTED_PROXIES says how many
    proxies of ours stand in front of the server. Each proxy appends the address it was reached
    from to X-Forwarded-For, so with n proxies the client is the n-th entry from the right:
    whatever a client wrote further left is its own claim and ignored. A header with fewer
    entries, or an entry that is not an address, falls back to REMOTE_ADDR, never to the claim.
    Returns None when there is no address at all (a server on a Unix socket): the username's
    failures are then counted together, wherever they come from.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies: int = settings.PEERTRACK_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote


def client_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """Returns the username an attempt is counted under: as typed, cut to the length axes stores.

    Django's sign-in form checks no length before authenticating, so without the cut a username
    longer than axes' column (255) fails to save on PostgreSQL: a server error, not a message.
    No real username is that long (150 at most), so the cut merges nothing that matters.
    """
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    return None if username is None else str(username)[:_USERNAME_STORED]


def _recent_attempts(request: Any) -> QuerySet[AccessAttempt]:
    """Returns the failures from the request's address, for any username, still in the window."""
    return AccessAttempt.objects.filter(ip_address=request.axes_ip_address,
                                        attempt_time__gte=get_cool_off_threshold(request))


def _address_locked(request: Any) -> bool:
    total = _recent_attempts(request).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0) >= settings.PEERTRACK_LOCKOUT_ADDRESS_FAILURES


def _locked_until(attempts: QuerySet[AccessAttempt], limit: int, cool_off: dt.timedelta) -> dt.datetime | None:
    """Returns when these attempts stop reaching the limit, or None when they do not reach it now.

    axes keeps one row per username, address and browser, counting its failures and dated by the
    latest; a row leaves the window one cool-off after that date. Newest first, the row whose
    failures bring the total to the limit is the one whose expiry lifts the lock.
    """
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


def _locking() -> bool:
    # axes.conf gives the setting its default (True) when axes loads; django-stubs cannot see it.
    return bool(getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True))


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with the per-address limit added to its per-username-and-address one."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        """Returns True when either limit is reached for this request."""
        if not _locking():
            return False
        return super().is_locked(request, credentials) or _address_locked(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None,
                          **kwargs: Any) -> None:
        """Records the failure; the failure that reaches the address limit already shows the lockout page."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (request is None or getattr(request, "axes_locked_out", False) or not _locking()
                or self.is_whitelisted(request, credentials)):
            return
        if _address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=credentials.get("username"),
                                 ip_address=request.axes_ip_address)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Returns the locked-out page (429): which limit was reached, the minutes left, what to do.

    It names neither the username typed nor whether it exists: both limits count failures for
    any username, real or not, so the page reads the same either way.
    """
    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    attempts = _recent_attempts(request)
    username = get_client_username(request, credentials)
    user_until = _locked_until(attempts.filter(username=username), settings.AXES_FAILURE_LIMIT, cool_off)
    address_until = _locked_until(attempts, settings.PEERTRACK_LOCKOUT_ADDRESS_FAILURES, cool_off)
    now = timezone.now()
    until = max((moment for moment in (user_until, address_until) if moment), default=now + cool_off)
    context = {
        "by_address": address_until is not None and until == address_until,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.PEERTRACK_LOCKOUT_ADDRESS_FAILURES,
        # Rounded up, so "1 minute" never means "now" and the page never says 0.
        "minutes_left": max(1, math.ceil((until - now).total_seconds() / 60)),
    }
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context,
                      status=settings.AXES_HTTP_RESPONSE_CODE)
    add_never_cache_headers(response)
    return response
