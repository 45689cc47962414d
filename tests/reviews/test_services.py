"""Issuing a pack for the demo 2024 challenge: the PDF, its hash, and that it cannot change."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from recommendations.demo import load_demo
from recommendations.models import PeerChallenge
from reviews.models import IssuedPack
from reviews.packs.services import issue_pack
from tests.assertions import assert_append_only
from tests.factories import make_report
from tests.reviews._pdf import pdf_text


@pytest.fixture
def coventry_2024(db):
    load_demo(with_logins=False)
    return PeerChallenge.objects.get(slug="coventry-2024")


@pytest.fixture
def issued(coventry_2024):
    coordinator = coventry_2024.council.memberships.get(role="coordinator").user
    report = make_report(challenge=coventry_2024, by=coordinator, meeting_date=dt.date(2025, 1, 29),
                         figures_as_of=dt.date(2025, 1, 20),
                         subject="LGA Corporate Peer Challenge 2024 – Progress Update")
    return issue_pack(report=report, by=coordinator)


def test_issued_demo_pack_holds_every_recommendation_rating_committee_date_and_page_numbers(
    issued, coventry_2024, tmp_path
):
    stored = issued.file.read()
    text = pdf_text(stored, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    titles = list(coventry_2024.recommendations.order_by("number").values_list("title", flat=True))
    assert len(titles) == 10
    for title in titles:
        assert title in flat
    ratings = {r["rag"] for r in issued.snapshot["recommendations"]}
    for rating in ("Blue", "Green", "Amber", "Red", "Not yet rated"):
        assert rating in flat  # the key and chart name every rating in words
    for recommendation in issued.snapshot["recommendations"]:
        assert recommendation["rag"] in ratings
    assert "Scrutiny Co-ordination Committee" in flat
    assert "29 January 2025" in flat
    assert f"Page 1 of {issued.page_count}" in flat
    assert f"Page {issued.page_count} of {issued.page_count}" in flat
    assert "Overdue" in flat
    assert "1 Purpose of the note" in flat and "6 Key risks" in flat
    assert "Appendix A: Progress on every action, and the RAG key" in flat and "The RAG key" in flat


def test_stored_hash_matches_the_stored_file(issued):
    stored = issued.file.read()
    assert hashlib.sha256(stored).hexdigest() == issued.sha256
    assert issued.size == len(stored)
    assert issued.read_verified() == stored


def test_pdf_is_tagged_titled_in_british_english_with_an_embedded_font_and_bookmarks(issued):
    reader = PdfReader(io.BytesIO(issued.file.read()))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert reader.metadata.title == "LGA Corporate Peer Challenge 2024 – Progress Update"
    assert len(reader.pages) == issued.page_count
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]  # embedded TrueType
            fonts.add(str(font["/BaseFont"]))
    assert any("Pack-Sans" in name for name in fonts)
    outline_titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "4 Summary of progress" in outline_titles
    nested = [i.title for group in reader.outline if isinstance(group, list) for i in group]
    assert any(title.endswith("Recommendation 1: City Centre masterplan") for title in nested)


def test_an_issued_pack_cannot_be_changed_or_deleted(issued):
    assert_append_only(issued, change={"committee": "Cabinet"},
                       save_match="never changes", delete_match="never deleted")
    assert IssuedPack.objects.get(pk=issued.pk).committee == "Scrutiny Co-ordination Committee"


def test_issuing_again_makes_a_new_pack_measured_against_the_first(issued):
    again = issue_pack(report=issued.report, by=None)
    assert again.sequence == 2
    assert again.pk != issued.pk
    assert again.snapshot["previous_pack"]["sequence"] == 1
    assert {r["movement"]["kind"] for r in again.snapshot["recommendations"]} == {"same"}
    assert IssuedPack.objects.filter(challenge=issued.challenge).count() == 2
