"""The hidden key that lets a form be submitted once (peertrack.idempotency)."""

from __future__ import annotations

from django import template

from peertrack import idempotency

register = template.Library()


@register.simple_tag
def new_submission_key() -> str:
    """Returns a fresh key each time the form is rendered."""
    return idempotency.new_key()
