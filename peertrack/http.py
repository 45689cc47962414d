"""The request type views see, for the type checker, and the status of a form page.

django-htmx's middleware adds `request.htmx`; `login_required` means `request.user`
is a signed-in user. Views that rely on either annotate their request with
`SignedInRequest`; at run time it is Django's ordinary HttpRequest.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def form_page(request: HttpRequest, template: str, context: dict[str, Any], form: forms.BaseForm) -> HttpResponse:
    """Renders a page holding a form: 400 when the form has errors, so a refused POST is not a success."""
    return render(request, template, context, status=400 if form.errors else 200)
