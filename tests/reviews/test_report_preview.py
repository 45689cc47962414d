from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories


def _url(report):
    return reverse("committee_report_preview", args=[report.challenge.slug, report.pk])


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
def test_preview_shows_the_pack_sections_with_rag_in_words(client, alice, report, action):
    factories.make_update(action=action, rag="amber", narrative="Masterplan consultation done.")
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "1 Purpose of the note" in body
    assert "Recommendation 1: City centre masterplan" in body
    assert "Masterplan consultation done." in body
    assert 'class="rag rag--amber">Amber<' in body
    assert "Draft: not yet issued" in body


@pytest.mark.django_db
def test_preview_queries_do_not_grow_with_the_plan(
    client, alice, report, bob, django_assert_max_num_queries
):
    for number in range(2, 32):
        rec = factories.make_recommendation(challenge=report.challenge, number=number)
        for _ in range(3):
            act = factories.make_action(recommendation=rec, lead_officer=bob)
            factories.make_update(action=act, rag="green")
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(_url(report))
    assert response.content.decode().count('class="rec"') == 30
