"""The covering report as Word: real headings, numbered paragraphs, tables, the council's template."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from docx import Document
from docx.shared import Pt

from reviews.packs.snapshot import build_snapshot
from reviews.packs.word import render_docx
from tests import factories
from tests.factories import make_report
from tests.reviews.conftest import PACK_SECTIONS
from tests.reviews.logo_fixtures import png


def _document(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def _text(document: Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


@pytest.fixture
def snapshot(challenge, alice, action):
    factories.make_update(action=action, rag="red", narrative="The masterplan slipped. Consultation moved.")
    challenge.council.logo = png()
    challenge.council.logo_content_type = "image/png"
    challenge.council.rag_wording = {"red": "Needs Cabinet's attention now"}
    challenge.council.save()
    report = make_report(
        challenge=challenge,
        by=alice,
        chosen_risks=[action.pk],
        recommendation_summaries={"1": "The masterplan is three months late."},
    )
    return build_snapshot(report=report)


@pytest.mark.django_db
def test_the_built_in_word_report_has_real_headings_numbered_paragraphs_and_tables(snapshot):
    document = _document(render_docx(snapshot))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:7] == PACK_SECTIONS
    assert any(p.style.name == "Heading 2" and p.text.startswith("a) Recommendation 1:") for p in document.paragraphs)
    assert any(
        p.style.name == "Title" and p.text == "Corporate Peer Challenge – Progress Report" for p in document.paragraphs
    )
    numbered = [p.text for p in document.paragraphs if p.text[:4] in ("1.1\t", "2.1\t", "3.1\t", "4.1\t", "6.1\t")]
    assert len(numbered) == 5
    assert len(document.tables) >= 4  # facts, the summary table, key risks, author
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "No.")
    assert [c.text for c in summary.rows[0].cells] == ["No.", "Recommendation", "RAG rating", "Since the last pack"]
    assert summary.rows[1].cells[2].text == "Red"  # the word, not only the colour
    text = _text(document)
    assert "The masterplan is three months late." in text
    assert "Red: Needs Cabinet's attention now" in text  # the council's own band wording
    assert "Northtown" in text
    assert len(document.inline_shapes) == 1  # the council's logo
    assert document.core_properties.title == "Corporate Peer Challenge – Progress Report"


@pytest.mark.django_db
def test_the_council_template_s_styles_are_used_and_its_sample_text_left_out(snapshot):
    template = Document()
    heading = template.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.size = Pt(20)
    template.styles.add_style("Council Note", 1).font.name = "Verdana"
    template.add_paragraph("Insert your report here", style="Heading 1")
    template.sections[0].header.paragraphs[0].text = "Northtown Council – OFFICIAL"
    source = io.BytesIO()
    template.save(source)

    document = _document(render_docx(snapshot, template=source.getvalue()))
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert document.styles["Heading 1"].font.size == Pt(20)
    assert "Council Note" in [style.name for style in document.styles]
    assert document.sections[0].header.paragraphs[0].text == "Northtown Council – OFFICIAL"
    assert "Insert your report here" not in _text(document)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][0] == "1 Purpose of the note"


@pytest.mark.django_db
def test_a_ten_recommendation_report_is_written_in_under_a_second(challenge, alice, bob):
    for number in range(1, 11):
        recommendation = factories.make_recommendation(challenge=challenge, number=number)
        for _ in range(4):
            factories.make_update(
                action=factories.make_action(recommendation=recommendation, lead_officer=bob),
                rag="amber",
                narrative="Progress made. " * 30,
            )
    snapshot = build_snapshot(report=make_report(challenge=challenge, by=alice), as_of=dt.date.today())
    assert len(snapshot["recommendations"]) == 10
    render_docx(snapshot)  # warm python-docx's template and XML classes
    started = time.perf_counter()
    render_docx(snapshot)
    assert time.perf_counter() - started < 1.0
