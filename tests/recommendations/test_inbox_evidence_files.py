# ruff: noqa: F811  (the inbox's plan fixture is imported by name, then asked for by name)
"""The inbox shows the evidence files of an officer's report beside its text, as download links,
for a fixed number of queries however many reports wait."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import Action, EvidenceFile
from tests import factories
from tests.recommendations.evidence_helpers import PDF, make_evidence_file
from tests.recommendations.test_inbox import (  # noqa: F401  (plan: the fixture)
    INBOX,
    INBOX_QUERIES,
    LATER,
    _root,
    plan,
    report_complete,
    texts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _attach(action: Action, name: str, content: bytes = PDF) -> EvidenceFile:
    """Attaches a file to the report that claims `action` complete (its latest update)."""
    return make_evidence_file(update=action.updates.latest("created_at"), name=name, content=content)


def _download_links(html: str, action: Action) -> list[str]:
    links = _root(html).query_all(f"#awaiting-{action.pk} .pt-evidence-files a")
    return [link.etree_element.get("href") for link in links]


def _download_url(stored: EvidenceFile, action: Action) -> str:
    return reverse("evidence_download", args=[action.recommendation.challenge.slug, action.pk, stored.pk])


def test_the_reports_files_are_listed_as_downloads_after_its_text_evidence(client, plan, alice):
    action = plan["awaiting_first"]
    stored = _attach(action, "Cabinet minutes.pdf")
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert _download_links(html, action) == [_download_url(stored, action)]
    item = texts(html, f"#awaiting-{action.pk}")[0]
    assert "https://example.org/cabinet-minutes" in item
    assert f"Cabinet minutes.pdf (download) PDF, {len(PDF)} bytes" in item


def test_a_report_with_files_and_no_text_evidence_does_not_say_none_was_given(client, plan, alice):
    action = plan["awaiting_second"]
    client.force_login(alice)
    assert "No evidence was given." in texts(client.get(INBOX).content.decode(), f"#awaiting-{action.pk}")[0]
    stored = _attach(action, "Consultation results.pdf")
    html = client.get(INBOX).content.decode()
    assert "No evidence was given." not in texts(html, f"#awaiting-{action.pk}")[0]
    assert _download_links(html, action) == [_download_url(stored, action)]


def test_the_files_of_many_reports_cost_no_query_each(client, challenge, alice, bob,
                                                       django_assert_max_num_queries: Any):
    recommendation = factories.make_recommendation(challenge=challenge)
    for number in range(30):
        action = report_complete(factories.make_action(recommendation=recommendation, reference=f"1.{number}",
                                                       lead_officer=bob, due_date=LATER), bob)
        for copy in range(2):
            _attach(action, f"report {number}-{copy}.pdf", PDF + bytes([number, copy]))
    client.force_login(alice)
    with django_assert_max_num_queries(INBOX_QUERIES):
        html = client.get(INBOX).content.decode()
    assert len(list(_root(html).query_all("#awaiting .pt-evidence-files a"))) == 60
