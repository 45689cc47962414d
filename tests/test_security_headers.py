"""Every page carries the security headers, and the policy allows nothing inline or evaluated."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _pages(challenge, recommendation):
    return [
        reverse("accessibility"),
        reverse("home"),
        reverse("challenge", args=[challenge.slug]),
        reverse("recommendation", args=[challenge.slug, recommendation.number]),
    ]


@pytest.mark.django_db
def test_every_page_carries_csp_frame_and_referrer_headers(client, alice, challenge, recommendation):
    responses = [client.get(reverse("login"))]
    client.force_login(alice)
    responses += [client.get(url) for url in _pages(challenge, recommendation)]
    for response in responses:
        url = response.wsgi_request.path
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_error_pages_carry_the_headers_too(client, mallory, challenge):
    client.force_login(mallory)
    response = client.get(reverse("challenge", args=[challenge.slug]))
    assert response.status_code == 404
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert b"Page not found" in response.content
