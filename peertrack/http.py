"""The request type views see, for the type checker.

django-htmx's middleware adds `request.htmx`; `login_required` means `request.user`
is a signed-in user. Views that rely on either annotate their request with
`SignedInRequest`; at run time it is Django's ordinary HttpRequest.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
