"""Self-service password reset by email: Django's views, GOV.UK templates, a rate limit, the task queue.

Asking for a reset always answers with the same page, whether or not the address belongs to
anyone (Django's `PasswordResetView` does; `ResetRequestForm.get_users` also leaves out people
whose council requires single sign-on). The limits, counted in the cache over an hour:

* `PER_ADDRESS` requests from one network address (then a 429 page, which says nothing about
  any email address);
* `PER_EMAIL` emails to one address (further requests show the same "check your email" page and
  send nothing, so the limit cannot be used to learn whether an address exists).

The email is rendered inside the request, with the link starting at `PEERTRACK_BASE_URL` or the
request's own address (`peertrack.absolute_urls`), and sent by the task queue.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from peertrack.absolute_urls import email_origin, request_origin
from peertrack.lockout import client_ip
from recommendations.people.forms import ResetRequestForm

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 10
PER_EMAIL = 3


def _over(key: str, limit: int) -> bool:
    """Counts one more for `key` and returns True when that goes over `limit` within the window."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def _key(kind: str, value: str) -> str:
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        request = self.request
        if _over(_key("address", client_ip(request) or "unknown"), PER_ADDRESS):
            return render(
                request, "registration/password_reset_limited.html", {"minutes": WINDOW_SECONDS // 60}, status=429
            )
        if _over(_key("email", form.cleaned_data["email"].strip().lower()), PER_EMAIL):
            return super(auth_views.PasswordResetView, self).form_valid(form)  # the same page, no email
        self.extra_email_context = {"origin": email_origin(request_origin(request))}
        return super().form_valid(form)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
