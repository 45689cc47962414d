"""Fixtures for committee packs and progress reviews: a private MEDIA_ROOT per test, a draft report."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import CommitteeReport
from tests import factories

# The short report's numbered sections, in order: the PDF and the Word version both head them so.
PACK_SECTIONS = [
    "1 Purpose of the note",
    "2 Recommendations",
    "3 Information and background",
    "4 Summary of progress",
    "5 Progress against each recommendation",
    "6 Key risks",
    "7 Next steps",
]


@pytest.fixture(autouse=True)
def _private_media(media_root: Any) -> None:
    """Stores every pack a test issues in its own directory."""


@pytest.fixture
def report(challenge: Any, alice: Any) -> CommitteeReport:
    return factories.make_report(challenge=challenge, by=alice)


# The progress review's fixtures (peers, review, theme, and gina the guest peer) live in their own module.
from tests.reviews.review_fixtures import everyone, gina, peers, review, theme  # noqa: E402, F401
