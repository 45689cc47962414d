"""Shared steps of the People tests: inviting through the page and reading the link from the email."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.urls import reverse

LINK = re.compile(r"https?://\S+/invitation/([A-Za-z0-9_-]+)/")


def invite(
    client: Any,
    capture: Any,
    *,
    council: str = "northtown",
    email: str = "nina@northtown.gov.uk",
    role: str = "officer",
    first_name: str = "Nina",
    last_name: str = "New",
) -> Any:
    """Posts the invite form as the signed-in client and returns the response (emails sent on commit)."""
    with capture(execute=True):
        return client.post(
            reverse("person_invite", args=[council]),
            {"first_name": first_name, "last_name": last_name, "email": email, "role": role},
        )


def last_token(to: str | None = None) -> str:
    """Returns the token of the invitation link in the latest email (to `to`, if given)."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, "no invitation email was sent"
    found = LINK.search(messages[-1].body)
    assert found, messages[-1].body
    return found[1]
