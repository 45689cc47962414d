from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import IssuedPack
from tests import factories


def _url(report):
    return reverse("committee_report_issue", args=[report.challenge.slug, report.pk])


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client, report):
    response = client.post(_url(report))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not IssuedPack.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden_to_issue(client, request, persona, report):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(report)).status_code == 403
    assert client.post(_url(report)).status_code == 403
    assert not IssuedPack.objects.exists()


@pytest.mark.django_db
def test_another_councils_user_gets_404(client, mallory, report):
    client.force_login(mallory)
    assert client.post(_url(report)).status_code == 404
    assert not IssuedPack.objects.exists()


@pytest.mark.django_db
def test_get_asks_for_confirmation_and_issues_nothing(client, alice, report):
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "cannot be changed or deleted" in body
    assert not IssuedPack.objects.exists()


@pytest.mark.django_db
def test_coordinator_issues_a_stored_hashed_pack_and_issuing_again_makes_a_new_one(
    client, alice, report, action
):
    factories.make_update(action=action, rag="red")
    client.force_login(alice)
    response = client.post(_url(report))
    assert response.status_code == 302
    assert response.url == reverse("pack_list", args=[report.challenge.slug])
    pack = IssuedPack.objects.get()
    stored = pack.file.read()
    assert stored.startswith(b"%PDF-1.7")
    assert hashlib.sha256(stored).hexdigest() == pack.sha256
    assert pack.issued_by == alice
    assert pack.snapshot["recommendations"][0]["rag"] == "red"

    factories.make_update(action=action, rag="green")
    client.post(_url(report))
    second = IssuedPack.objects.get(sequence=2)
    assert second.sha256 != pack.sha256
    assert second.snapshot["recommendations"][0]["movement"]["text"] == "Improved from Red"
    pack.refresh_from_db()
    assert pack.snapshot["recommendations"][0]["rag"] == "red"


@pytest.mark.django_db
def test_a_rendering_failure_issues_nothing_and_says_so(client, alice, report, monkeypatch):
    def fail(snapshot):
        raise services.PackRenderingError("no")

    monkeypatch.setattr(services, "render_pdf", fail)
    client.force_login(alice)
    response = client.post(_url(report))
    assert response.status_code == 503
    assert "nothing was issued" in response.content.decode()
    assert not IssuedPack.objects.exists()
