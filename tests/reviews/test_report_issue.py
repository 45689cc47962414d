from __future__ import annotations

import hashlib
import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from reviews.models import IssuedPack
from reviews.packs import services
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


def _issue_form(client, report) -> dict[str, str]:
    """Returns the confirmation form's hidden fields as the page renders them."""
    html = client.get(_url(report)).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(packs_seen|submission_key)" value="([^"]*)"', html))


@pytest.mark.django_db
def test_the_confirmation_sent_again_with_another_key_makes_no_second_pack(client, alice, report):
    # Two tabs, or a form re-sent by the browser without its key: the report's state decides.
    client.force_login(alice)
    form = _issue_form(client, report)
    assert form["packs_seen"] == "0"
    assert client.post(_url(report), {**form, "submission_key": "a" * 24}).status_code == 302
    response = client.post(_url(report), {**form, "submission_key": "b" * 24}, follow=True)
    assert IssuedPack.objects.count() == 1
    html = response.content.decode()
    assert "Pack 1 was issued from this report by Alice Coordinator at" in html
    assert "so no second pack was made" in html


@pytest.mark.django_db
def test_a_double_click_on_issue_makes_one_pack_and_says_so(client, alice, report):
    client.force_login(alice)
    form = _issue_form(client, report)
    first = client.post(_url(report), form)
    second = client.post(_url(report), form)
    assert IssuedPack.objects.count() == 1
    assert second.url == first.url == reverse("pack_list", args=[report.challenge.slug])
    assert "You sent this twice" in client.get(second.url).content.decode()


@pytest.mark.django_db
def test_issuing_again_from_a_fresh_confirmation_makes_the_next_pack(client, alice, report):
    client.force_login(alice)
    client.post(_url(report), _issue_form(client, report))
    form = _issue_form(client, report)
    assert form["packs_seen"] == "1"
    client.post(_url(report), form)
    assert sorted(IssuedPack.objects.values_list("sequence", flat=True)) == [1, 2]


def _at_once(work, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_issue_clicks_at_once_make_one_pack(alice, report):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice)
    forms = [_issue_form(client, report) for client in clients]  # two tabs: two keys

    responses = _at_once(lambda index: clients[index].post(_url(report), forms[index]))
    assert [response.status_code for response in responses] == [302, 302], responses
    assert IssuedPack.objects.count() == 1
    assert {response.url for response in responses} == {reverse("pack_list", args=[report.challenge.slug])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issue_pack_called_twice_at_once_issues_once(alice, report):
    results = _at_once(lambda index: services.issue_pack(report=report, by=alice, packs_seen=0))
    issued = [result for result in results if isinstance(result, IssuedPack)]
    refused = [result for result in results if isinstance(result, services.PackAlreadyIssued)]
    assert (len(issued), len(refused)) == (1, 1), results
    assert refused[0].pack.pk == issued[0].pk
    assert IssuedPack.objects.count() == 1
