"""The short report on the demo 2024 plan: at most 6 pages before the appendices, no near-empty
page, dates that never wrap; checked on the issued PDF with pypdf and poppler's tools."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from recommendations.asof import plan_as_at
from recommendations.demo import load_demo
from recommendations.models import PeerChallenge
from reviews.models import starter_report
from reviews.packs.branding import clean_logo
from reviews.packs.services import issue_pack
from reviews.packs.snapshot import risk_candidates
from tests.reviews.conftest import PACK_SECTIONS
from tests.reviews.logo_fixtures import png

MEETING = dt.date(2025, 1, 29)


@pytest.fixture
def pack(db):
    load_demo(with_logins=False)
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    # The longest cover: with the council's logo above its name.
    logo = clean_logo(png(240, 80))
    challenge.council.logo, challenge.council.logo_content_type = logo.content, logo.content_type
    challenge.council.save()
    coordinator = challenge.council.memberships.get(role="coordinator").user
    report = starter_report(challenge=challenge, author=coordinator, today=MEETING)
    report.figures_as_of = MEETING
    report.include_position_statement = True
    # As the form starts it: Red and overdue actions ticked as key risks, summaries from the updates.
    report.chosen_risks = [row["id"] for row in risk_candidates(plan_as_at(challenge, MEETING)) if row["preselected"]]
    report.save()
    return issue_pack(report=report, by=coordinator)


def _outline(reader: PdfReader) -> dict[str, int]:
    return {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }


def test_the_summary_report_is_at_most_six_pages_before_its_appendices(pack, tmp_path):
    assert len(pack.snapshot["recommendations"]) == 10
    assert pack.snapshot["chosen_risks"]
    stored = pack.file.read()
    path = tmp_path / "pack.pdf"
    path.write_bytes(stored)
    pdfinfo = subprocess.run(
        [shutil.which("pdfinfo") or "/usr/bin/pdfinfo", str(path)],  # noqa: S603
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pdfinfo).group(1)) == pack.page_count
    outline = _outline(PdfReader(io.BytesIO(stored)))
    appendix = outline["Appendix A: Progress on every action, and the RAG key"]
    assert appendix - 1 <= 6, outline
    assert outline["Appendix B: The LGA's key recommendations in full"] > appendix
    assert "Appendix C: Position statement for the progress review" in outline


def test_no_page_of_the_report_is_near_empty(pack):
    reader = PdfReader(io.BytesIO(pack.file.read()))
    appendix = _outline(reader)["Appendix A: Progress on every action, and the RAG key"]
    lengths = [len(reader.pages[index].extract_text()) for index in range(appendix - 1)]
    assert min(lengths) > 1000, lengths  # the old pack left a page with one table's tail on it


def test_dates_never_wrap_inside_a_cell(pack, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack.file.read())
    text = subprocess.run(
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-layout", str(path), "-"],  # noqa: S603
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dues = {
        dt.date.fromisoformat(action["due_date"]).strftime("%-d %b %Y")
        for rec in pack.snapshot["recommendations"]
        for action in rec["actions"]
        if action["due_date"]
    }
    assert dues
    for due in dues:
        assert due in text, due  # on one line: a wrapped date would be split across two


def test_the_word_version_names_the_same_sections(pack):
    from docx import Document

    document = Document(io.BytesIO(pack.docx.read()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:7] == PACK_SECTIONS
    assert len([p for p in document.paragraphs if p.style.name == "Heading 2"]) == 10
