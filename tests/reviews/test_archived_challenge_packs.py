"""An archived challenge stays readable with its packs: everyone who may read it still downloads an
issued pack as it was issued and opens its progress review, and its coordinators its committee report."""

from __future__ import annotations

import pytest

from tests.factories import make_pack
from tests.reviews.review_fixtures import COORDINATE, READ, assert_access

pytestmark = pytest.mark.django_db

ISSUED = b"%PDF-1.7 the pack as issued before the challenge was archived"


@pytest.fixture
def archived_pack(report, review, alice):
    """A pack issued for the challenge, which was then archived (with its progress review)."""
    pack = make_pack(report=report, content=ISSUED)
    report.challenge.archive(by=alice)
    return pack


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_an_archived_challenges_pack_and_review_stay_readable(client, everyone, username, status, archived_pack,
                                                              review):
    download = assert_access(client, username, status, archived_pack.get_download_url())
    if status == 200:
        assert download.content == ISSUED
        assert download["Content-Type"] == "application/pdf"
    assert_access(client, username, status, review.get_absolute_url())
    assert_access(client, username, COORDINATE[username], archived_pack.report.get_absolute_url())
