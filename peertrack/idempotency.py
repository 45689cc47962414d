"""One submission, one write: the random key every POST form carries, and the middleware that honours it.

A double click, or a browser retrying after a timeout, sends the same form twice. The
append-only log would keep both copies for ever, so each form rendered by the product
carries a fresh key (`{% include "shared/submission_key.html" %}` inside the form) and
`SubmissionKeyMiddleware` lets each key through once per user:

- the first POST with a key claims it (a row in the database, so it holds across several
  web servers) and runs the view. A redirect, or a view that calls `finished()` (an htmx
  answer with a fragment), marks it done and remembers where it sent the user. Any other
  answer (a form with errors, a refusal) forgets the key, so sending it again runs again.
- a repeat of a finished key runs nothing: it is sent where the first one went, with a
  message saying so (htmx: an `HX-Redirect` to that page).
- a repeat that arrives while the first is still running waits for it (up to WAIT), then
  answers as above; a first attempt that died (ABANDONED_AFTER) is taken over.

A POST without a key (an old page from a cache, an API client) or from a signed-out user
is processed as before, once per request. Keys are forgotten after LIFETIME.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, UnreadablePostError
from django.shortcuts import render
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from recommendations.models import SubmissionKey

FIELD = "submission_key"
# new_key() gives 24 characters; anything that is not a plausible key is treated as no key.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
LIFETIME = dt.timedelta(hours=24)
# gunicorn kills a worker after 120 s (Makefile `serve`): a claim unfinished after longer than
# that belongs to a request that died, so a repeat may run instead.
ABANDONED_AFTER = dt.timedelta(seconds=150)
WAIT = 30.0
POLL = 0.1
REPEATED = ("You sent this twice (for example with a double click). It was dealt with the "
            "first time, so nothing was done again.")
_LOCATION_ATTRIBUTE = "_submission_location"


def new_key() -> str:
    """Returns a fresh random key for one rendering of one form."""
    return secrets.token_urlsafe(18)


def finished(request: HttpRequest, location: str) -> None:
    """Marks the request's submission as done, with the page it belongs to.

    For a view that answers a successful POST with something other than a redirect
    (an htmx fragment); a repeat of the submission is then sent to `location`.
    """
    setattr(request, _LOCATION_ATTRIBUTE, location)


def submitted_key(request: HttpRequest) -> str | None:
    """Returns the key a signed-in user's POST carries, or None (no key, or not a valid one)."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        key = request.POST.get(FIELD, "")
    except UnreadablePostError:  # the client went away; the view meets the same and answers
        return None
    return key if KEY_PATTERN.fullmatch(key) else None


class SubmissionKeyMiddleware:
    """Runs each keyed form submission once per user; repeats get the first one's outcome."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = submitted_key(request)
        if key is None:
            return self.get_response(request)
        claim, earlier = _claim(request.user, key)
        if earlier is not None:
            return _repeat(request, earlier.location)
        if claim is None:
            return render(request, "shared/submission_pending.html", status=409)
        try:
            response = self.get_response(request)
        except BaseException:
            SubmissionKey.objects.filter(pk=claim.pk).delete()
            raise
        location = getattr(request, _LOCATION_ATTRIBUTE, "")
        if not location and 300 <= response.status_code < 400 and response.has_header("Location"):
            location = response["Location"]
        if location:
            SubmissionKey.objects.filter(pk=claim.pk).update(location=location)
        else:
            SubmissionKey.objects.filter(pk=claim.pk).delete()
        return response


def _claim(user: Any, key: str) -> tuple[SubmissionKey | None, SubmissionKey | None]:
    """Returns (our claim, None), or (None, the finished earlier submission), or (None, None) on timeout.

    Each claim is committed at once (its own INSERT), so a repeat on another server
    sees it; the unique constraint decides which of two simultaneous requests runs.
    """
    now = timezone.now()
    # Cheap: an indexed range delete, usually of nothing.
    SubmissionKey.objects.filter(created_at__lt=now - LIFETIME).delete()
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with transaction.atomic():
                return SubmissionKey.objects.create(user=user, key=key), None
        except IntegrityError:
            pass
        earlier = SubmissionKey.objects.filter(user=user, key=key).first()
        if earlier is not None and earlier.location:
            return None, earlier
        if earlier is not None and earlier.created_at < timezone.now() - ABANDONED_AFTER:
            SubmissionKey.objects.filter(pk=earlier.pk, location="").delete()
            continue
        if time.monotonic() > deadline:
            return None, None
        if earlier is not None:
            time.sleep(POLL)  # the first is still running: wait for its outcome


def _repeat(request: HttpRequest, location: str) -> HttpResponse:
    messages.info(request, REPEATED)
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(location)
    return HttpResponseRedirect(location)
