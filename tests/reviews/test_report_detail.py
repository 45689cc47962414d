from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_pack
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(report):
    return reverse("committee_report", args=[report.challenge.slug, report.pk])


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_read_a_draft_report(client, everyone, username, status, report):
    assert_access(client, username, status, _url(report))


def test_coordinator_sees_the_sections_and_the_packs_issued_from_it(client, alice, report):
    pack = make_pack(report=report)
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "Delivery depends on capacity in the finance team." in body
    assert "Provide any feedback" in body
    assert pack.get_download_url() in body
    assert reverse("committee_report_issue", args=[report.challenge.slug, report.pk]) in body


def test_user_text_is_escaped(client, alice, report):
    report.purpose = "<script>alert(1)</script>"
    report.save()
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
