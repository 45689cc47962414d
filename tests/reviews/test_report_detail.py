from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reviews.conftest import make_pack


def _url(report):
    return reverse("committee_report", args=[report.challenge.slug, report.pk])


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client, report):
    response = client.get(_url(report))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, report):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(report)).status_code == 403


@pytest.mark.django_db
def test_another_councils_user_gets_404(client, mallory, report):
    client.force_login(mallory)
    assert client.get(_url(report)).status_code == 404


@pytest.mark.django_db
def test_coordinator_sees_the_sections_and_the_packs_issued_from_it(client, alice, report):
    pack = make_pack(report=report)
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "Delivery depends on capacity in the finance team." in body
    assert "Provide any feedback" in body
    assert pack.get_download_url() in body
    assert reverse("committee_report_issue", args=[report.challenge.slug, report.pk]) in body


@pytest.mark.django_db
def test_user_text_is_escaped(client, alice, report):
    report.purpose = "<script>alert(1)</script>"
    report.save()
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
