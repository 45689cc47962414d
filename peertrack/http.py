"""The request type views see, for the type checker, the status of a form page, and the answer to a POST.

django-htmx's middleware adds `request.htmx`; `login_required` means `request.user`
is a signed-in user. Views that rely on either annotate their request with
`SignedInRequest`; at run time it is Django's ordinary HttpRequest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def form_page(request: HttpRequest, template: str, context: dict[str, Any], form: forms.BaseForm) -> HttpResponse:
    """Renders a page holding a form: 400 when the form has errors, so a refused POST is not a success."""
    return render(request, template, context, status=400 if form.errors else 200)


def succeeded(request: HttpRequest, note: str, to: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Returns the answer to a plain POST that did what was asked: `note` as a success message, and a
    redirect to `to` (an address, or a URL name with its `args` and `kwargs`)."""
    messages.success(request, note)
    return redirect(to, *args, **kwargs)


@contextmanager
def refusal_as_message(request: HttpRequest, *refusals: type[Exception], level: int = messages.ERROR) -> Iterator[None]:
    """Shows a refusal raised in the block (one of `refusals`, e.g. an invitation no longer open) as a
    message at `level` instead of an error page; the rest of the block, such as its success message, is skipped."""
    try:
        yield
    except refusals as refusal:
        messages.add_message(request, level, str(refusal))
