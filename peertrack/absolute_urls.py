"""Full addresses for links that leave the site (emails): the one home of that rule.

Which address a link in an email starts with ("the origin", `https://host[:port]`), first match wins:

1. `PEERTRACK_BASE_URL`, when set: a deployment names its own address, and the daily run's emails
   (`send_notifications`, no request at all) need it.
2. The address of the request that caused the email: a view passes `request_origin(request)` on to
   the task it queues (tasks take it as `origin=`); code that runs inside a request without being
   handed it (signal receivers) reads `current_origin()`, which `RequestOriginMiddleware` keeps.
   `request.get_host()` is checked against `ALLOWED_HOSTS`, so a forged Host header cannot get in.
3. Otherwise a guess from the settings (`https` when HTTPS is on, the first named host in
   `ALLOWED_HOSTS`), logged as a warning; the deploy check `peertrack.W001` warns when a production
   configuration leaves `PEERTRACK_BASE_URL` unset, so the guess is never silently relied on.

Use: `absolute_url(reverse("notifications"), origin=origin)`; in a view,
`absolute_url(path, origin=request_origin(request))` or just `absolute_url(path)`.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("peertrack_request_origin", default="")


def request_origin(request: HttpRequest) -> str:
    """Returns the scheme and host the request came to, e.g. `https://actions.example.gov.uk:8443`."""
    return f"{request.scheme}://{request.get_host()}"


def current_origin() -> str:
    """Returns the origin of the request being answered on this thread, or "" outside a request."""
    return _current.get()


def configured_origin() -> str:
    """Returns `PEERTRACK_BASE_URL` without a trailing slash, or "" when it is not set."""
    return str(getattr(settings, "PEERTRACK_BASE_URL", "") or "").rstrip("/")


def guessed_origin() -> str:
    """Returns the last resort: the first named host in `ALLOWED_HOSTS`, https when HTTPS is on."""
    scheme = "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")]
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}"


def email_origin(origin: str = "") -> str:
    """Returns the origin links in an email start with (the rule in the module docstring).

    `origin` is the address of the request that caused the email, passed in by a task.
    """
    chosen = configured_origin() or origin.rstrip("/") or current_origin()
    if chosen:
        return chosen
    guess = guessed_origin()
    logger.warning(
        "PEERTRACK_BASE_URL is not set and no request gave an address; links in this email start with %s.", guess
    )
    return guess


def absolute_url(path: str, *, origin: str = "") -> str:
    """Returns `path` (a site path such as `reverse(...)` gives) as a full address for an email."""
    if not path:
        return ""
    return f"{email_origin(origin)}/{path.lstrip('/')}"


class RequestOriginMiddleware:
    """Keeps the current request's origin for `current_origin()` while the request is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            origin = request_origin(request)
        except Exception:  # noqa: BLE001  (DisallowedHost: CommonMiddleware answers that request)
            origin = ""
        token = _current.set(origin)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


@checks.register(checks.Tags.security, deploy=True)
def check_base_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warns when a production configuration does not say its own address (`PEERTRACK_BASE_URL`)."""
    if settings.DEBUG or configured_origin():
        return []
    return [
        checks.Warning(
            "PEERTRACK_BASE_URL is not set. Emails sent while someone uses the site link to the address "
            "they used, but the daily notifications and summaries have no request to take it from, and "
            f"would link to a guess ({guessed_origin()}).",
            hint="Set PEERTRACK_BASE_URL to the address people use, e.g. https://peertrack.example.gov.uk",
            id="peertrack.W001",
        )
    ]
