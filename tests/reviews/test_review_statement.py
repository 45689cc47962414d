"""The coordinator's draft of the position statement: editing, pre-filling and evidence links."""

from __future__ import annotations

import pytest

from reviews.models import PositionStatement, StatementEvidence
from reviews.progress import services
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_access


def _url(review, tail=""):
    return review.get_absolute_url() + "statement/" + tail


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_edit_the_statement(client, everyone, username, status, review, recommendation):
    assert_access(client, username, status, _url(review), posts=[
        (_url(review), {f"paragraph_{recommendation.pk}": "X"}),
        (_url(review, "prefill/"), {"replace": "all"}),
        (_url(review, "evidence/"), {"evidence-title": "T", "evidence-url": "https://example.org"}),
    ])
    assert PositionStatement.objects.get().text == "The masterplan is being drafted with partners."
    assert not StatementEvidence.objects.exists()


def test_the_form_holds_the_introduction_and_a_paragraph_per_recommendation(client, alice, review, challenge):
    factories.make_recommendation(challenge=challenge, number=2, title="Finance")
    client.force_login(alice)
    page = client.get(_url(review)).content.decode()
    assert "1. City centre masterplan" in page and "2. Finance" in page
    assert ">The masterplan is being drafted with partners.</textarea>" in page


def test_a_coordinator_saves_the_draft(client, alice, review, recommendation):
    client.force_login(alice)
    response = client.post(_url(review), {"introduction": "Since the challenge the council has moved fast.",
                                          f"paragraph_{recommendation.pk}": "The vision went to Cabinet."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.statement_introduction == "Since the challenge the council has moved fast."
    assert PositionStatement.objects.get().text == "The vision went to Cabinet."


def test_an_overlong_paragraph_is_explained_and_nothing_is_saved(client, alice, review, recommendation):
    client.force_login(alice)
    response = client.post(_url(review), {"introduction": "Kept?",
                                          f"paragraph_{recommendation.pk}": "x" * 20_001})
    assert response.status_code == 400
    assert "must be 20,000 characters or fewer" in response.content.decode()
    review.refresh_from_db()
    assert review.statement_introduction == ""


def test_prefill_writes_empty_paragraphs_from_the_latest_update(client, alice, review, recommendation, action, bob):
    PositionStatement.objects.filter(review=review).update(text="")
    factories.make_update(action=action, rag="amber", author=bob, narrative="Partners are engaged.")
    client.force_login(alice)
    response = client.post(_url(review, "prefill/"), {"replace": "empty"}, follow=True)
    assert "1 paragraph drafted from the latest progress updates." in response.content.decode()
    assert "Partners are engaged." in PositionStatement.objects.get().text


def test_evidence_links_are_added_and_removed(client, alice, review, recommendation):
    client.force_login(alice)
    response = client.post(_url(review, "evidence/"), {
        "evidence-title": "City Centre Vision 2050", "evidence-url": "https://www.example.gov.uk/vision.pdf",
        "evidence-recommendation": recommendation.pk})
    assert response.status_code == 302
    evidence = StatementEvidence.objects.get()
    assert evidence.recommendation == recommendation and evidence.added_by == alice
    assert "City Centre Vision 2050" in client.get(review.get_absolute_url()).content.decode()
    client.post(_url(review, f"evidence/{evidence.pk}/remove/"))
    assert not StatementEvidence.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"evidence-title": "", "evidence-url": "https://example.org/a.pdf"}, "Enter the document&#x27;s title"),
    ({"evidence-title": "Plan", "evidence-url": "not a link"}, "Enter a link like"),
    ({"evidence-title": "Plan", "evidence-url": "javascript:alert(1)"}, "Enter a link"),
    ({"evidence-title": "Plan", "evidence-url": "https://example.org/a.pdf", "evidence-recommendation": "999999"},
     "Select a recommendation from the list"),
])
def test_bad_evidence_is_explained_and_nothing_is_added(client, alice, review, data, message):
    client.force_login(alice)
    response = client.post(_url(review, "evidence/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StatementEvidence.objects.exists()


def test_edits_after_approval_are_refused_with_a_clear_message(client, alice, review, recommendation):
    services.approve_statement(review=review, by=alice)
    client.force_login(alice)
    response = client.post(_url(review), {f"paragraph_{recommendation.pk}": "Too late"}, follow=True)
    page = response.content.decode()
    assert "can no longer be changed" in page
    assert "was approved on" in page
    assert PositionStatement.objects.get().text == "The masterplan is being drafted with partners."
    response = client.post(_url(review, "evidence/"), {"evidence-title": "Plan",
                                                       "evidence-url": "https://example.org/a.pdf"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert not StatementEvidence.objects.exists()


def test_the_approved_statement_page_offers_no_form(client, alice, review):
    services.approve_statement(review=review, by=alice)
    client.force_login(alice)
    page = client.get(_url(review)).content.decode()
    assert "Save draft" not in page
    assert "The approved text is fixed" in page
