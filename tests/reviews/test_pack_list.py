from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import PackWithdrawal
from tests.factories import make_pack, make_report
from tests.reviews.review_fixtures import READ, assert_access

pytestmark = pytest.mark.django_db


def _url(challenge):
    return reverse("pack_list", args=[challenge.slug])


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_who_may_see_the_packs(client, everyone, username, status, challenge):
    assert_access(client, username, status, _url(challenge))


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_of_the_council_sees_issued_packs_with_dates_committee_and_hash(client, request, persona, report):
    pack = make_pack(report=report)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(report.challenge))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Scrutiny Co-ordination Committee" in body
    assert "2 October 2024" in body
    assert pack.sha256 in body
    assert pack.get_download_url() in body


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_only_coordinators_see_drafts_and_the_start_button(client, request, persona, report):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(_url(report.challenge)).content.decode()
    assert "Start a new report" not in body
    assert report.get_absolute_url() not in body


def test_coordinator_sees_drafts_and_can_start_a_report(client, alice, report):
    client.force_login(alice)
    body = client.get(_url(report.challenge)).content.decode()
    assert "Start a new report" in body
    assert report.get_absolute_url() in body


def test_post_is_not_allowed(client, alice, challenge):
    client.force_login(alice)
    assert client.post(_url(challenge)).status_code == 405


def test_says_when_no_pack_has_been_issued(client, carol, challenge):
    client.force_login(carol)
    assert "No pack has been issued for this challenge yet" in client.get(_url(challenge)).content.decode()


def test_more_packs_than_a_page_are_paginated_with_bounded_queries(
    client, alice, challenge, django_assert_max_num_queries
):
    reports = [make_report(challenge=challenge) for _ in range(3)]
    for n in range(30):
        make_pack(report=reports[n % 3], sequence=n + 1)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(_url(challenge))
    body = response.content.decode()
    assert body.count("Check this pack is unchanged<") == 25
    assert "Page 1 of 2" in body
    second = client.get(_url(challenge) + "?page=2").content.decode()
    assert second.count("Check this pack is unchanged<") == 5


def test_challenge_page_links_to_its_packs(client, carol, challenge):
    client.force_login(carol)
    body = client.get(reverse("challenge", args=[challenge.slug])).content.decode()
    assert _url(challenge) in body


def test_the_hash_sits_behind_check_this_pack_is_unchanged_not_in_a_column(client, carol, report):
    pack = make_pack(report=report)
    client.force_login(carol)
    html = client.get(_url(report.challenge)).content.decode()
    headers = re.findall(r'<th scope="col" class="govuk-table__header">(.*?)</th>', html)
    assert not any("SHA" in header for header in headers)
    details = re.search(r'<details class="govuk-details[^"]*">(.*?)</details>', html, re.S)
    assert details is not None
    assert "Check this pack is unchanged" in details.group(1)
    assert pack.sha256 in details.group(1)
    assert html.count(pack.sha256) == 1


def test_the_list_shows_which_pack_superseded_or_withdrew_which_and_why(client, carol, alice, report):
    first = make_pack(report=report)
    second = make_pack(report=report)
    third = make_pack(report=report)
    PackWithdrawal.objects.create(
        pack=first,
        replacement=second,
        reason="the figures were a month old.",
        withdrawn_at=timezone.make_aware(dt.datetime(2024, 10, 3, 9)),
        withdrawn_by=alice,
    )
    PackWithdrawal.objects.create(pack=third, reason="it went to the wrong committee.", withdrawn_by=alice)
    client.force_login(carol)
    html = client.get(_url(report.challenge)).content.decode()
    assert "Superseded by pack 2 on 3 October 2024, because the figures were a month old." in html
    assert "Replaces pack 1." in html
    assert "because it went to the wrong committee." in html
    for pack in (first, second, third):
        assert pack.get_download_url() in html  # never deleted: all still downloadable
    assert reverse("pack_withdraw", args=[report.challenge.slug, 1]) not in html  # carol cannot withdraw


def test_a_pack_with_a_word_version_offers_it_beside_the_pdf(client, carol, report):
    pack = make_pack(report=report, docx_content=b"PK word file")
    client.force_login(carol)
    html = client.get(_url(report.challenge)).content.decode()
    assert pack.get_docx_download_url() in html
    assert pack.docx_sha256 in html
