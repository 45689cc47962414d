"""Withdrawing an issued pack: kept, downloadable, marked withdrawn with the reason; never twice."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from reviews.models import IssuedPack, PackWithdrawal
from reviews.packs.services import PackAlreadyWithdrawn, withdraw_pack
from tests.factories import make_pack
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(pack):
    return reverse("pack_withdraw", args=[pack.challenge.slug, pack.sequence])


@pytest.fixture
def pack(report):
    return make_pack(report=report, content=b"%PDF-1.7 issued")


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_withdraw_a_pack(client, everyone, username, status, pack):
    assert_access(client, username, status, _url(pack), posts=[(_url(pack), {"reason": "Wrong"})])
    assert not PackWithdrawal.objects.exists()


def test_a_coordinator_withdraws_a_pack_which_stays_on_the_record(client, alice, carol, pack):
    client.force_login(alice)
    assert "The pack is not deleted" in client.get(_url(pack)).content.decode()
    response = client.post(_url(pack), {"reason": "it went to the wrong meeting."})
    assert response.status_code == 302
    withdrawal = PackWithdrawal.objects.get()
    assert (withdrawal.pack, withdrawal.replacement, withdrawal.withdrawn_by) == (pack, None, alice)
    assert IssuedPack.objects.count() == 1
    client.force_login(carol)
    listing = client.get(reverse("pack_list", args=[pack.challenge.slug])).content.decode()
    assert "Withdrawn on" in listing and "because it went to the wrong meeting." in listing
    download = client.get(pack.get_download_url())
    assert hashlib.sha256(download.content).hexdigest() == pack.sha256


def test_a_withdrawal_needs_a_reason_and_changes_nothing_without_one(client, alice, pack):
    client.force_login(alice)
    response = client.post(_url(pack), {"reason": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Error:" in body and "Say why the pack is being withdrawn" in body
    assert not PackWithdrawal.objects.exists()


def test_a_pack_is_withdrawn_once(client, alice, pack):
    withdraw_pack(pack=pack, reason="First.", by=alice)
    with pytest.raises(PackAlreadyWithdrawn):
        withdraw_pack(pack=pack, reason="Second.", by=alice)
    client.force_login(alice)
    page = client.get(_url(pack)).content.decode()
    assert "This pack was already withdrawn" in page
    client.post(_url(pack), {"reason": "Again."})
    assert PackWithdrawal.objects.get().reason == "First."


def test_a_withdrawal_record_never_changes(alice, pack):
    withdrawal = withdraw_pack(pack=pack, reason="First.", by=alice)
    withdrawal.reason = "Rewritten."
    with pytest.raises(TypeError, match="never changes"):
        withdrawal.save()
