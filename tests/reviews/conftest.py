"""Fixtures for committee packs: a private MEDIA_ROOT per test, a draft report, stored packs."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from typing import Any

import pytest
from django.core.files.base import ContentFile

from reviews.models import CommitteeReport, IssuedPack

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Stores every pack a test issues in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_report(*, challenge: Any, by: Any = None, **extra: Any) -> CommitteeReport:
    values = {
        "committee": "Scrutiny Co-ordination Committee",
        "meeting_date": dt.date(2024, 10, 2),
        "subject": "Corporate Peer Challenge – Progress Report",
        "author_name": "Alice Coordinator",
        "author_job_title": "Strategic Lead for Transformation and Change",
        "author_contact": "alice@northtown.invalid",
        "purpose": "This note outlines progress on the peer challenge recommendations.",
        "recommendations_to_committee": "Note the progress made\nProvide any feedback",
        "key_risks": "Delivery depends on capacity in the finance team.",
        "next_steps": "A further update will come in six months.",
        **extra,
    }
    return CommitteeReport.objects.create(challenge=challenge, created_by=by, **values)


def make_pack(*, report: CommitteeReport, content: bytes = b"%PDF-1.7 stored pack",
              sequence: int | None = None, docx_content: bytes | None = None, **extra: Any) -> IssuedPack:
    """Stores a pack without rendering it, for tests about listing and downloading."""
    sequence = sequence or (report.challenge.packs.count() + 1)
    pack = IssuedPack(
        report=report, challenge=report.challenge, sequence=sequence,
        committee=report.committee, meeting_date=report.meeting_date, subject=report.subject,
        as_of=extra.pop("as_of", dt.date(2024, 9, 30)),
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), page_count=1,
        snapshot=extra.pop("snapshot", {"recommendations": []}), **extra,
    )
    pack.file.save(f"test-pack-{next(_sequence)}.pdf", ContentFile(content), save=False)
    if docx_content is not None:
        pack.docx_sha256 = hashlib.sha256(docx_content).hexdigest()
        pack.docx_size = len(docx_content)
        pack.docx.save(f"test-pack-{next(_sequence)}.docx", ContentFile(docx_content), save=False)
    pack.save()
    return pack


@pytest.fixture
def report(challenge: Any, alice: Any) -> CommitteeReport:
    return make_report(challenge=challenge, by=alice)


# The progress review's fixtures (peers, review, theme, and gina the guest peer) live in their own module.
from tests.reviews.review_fixtures import gina, peers, review, theme  # noqa: E402, F401
