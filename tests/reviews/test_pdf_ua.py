"""PDF/UA-1 (ADR 0025) on the real documents: the demo 2024 committee pack (issued and draft) and the
demo progress review's position statement, read back with pikepdf.

Each is rendered once per module from the demo data inside a transaction that is rolled back. The
assertions hold for whatever the pack's templates say: every HTML table is one Table element, every
section one Sect, and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import transaction

from recommendations.demo import load_demo
from recommendations.models import PeerChallenge
from reviews.models import CommitteeReport, ProgressReview, StatementEvidence, starter_report
from reviews.packs.pdf import html_to_pdf, render_html
from reviews.packs.snapshot import build_snapshot
from reviews.progress.pdf import render_statement_html, render_statement_pdf
from tests.pdf_ua import TaggedPdf, attribute, read

# pytest-django sets up the test database only for a session that has tests marked to use it.
pytestmark = pytest.mark.django_db

EVIDENCE_URL = "https://www.coventry.gov.uk/downloads/peer-challenge-evidence"


@dataclass
class Rendered:
    html: str
    pdf: TaggedPdf


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker) -> dict[str, Rendered]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(with_logins=False)
        challenge = PeerChallenge.objects.get(slug="coventry-2024")
        report = CommitteeReport.objects.filter(challenge=challenge).order_by("-updated_at", "-pk").first()
        report = report or starter_report(challenge=challenge)
        report.challenge = challenge
        snapshot = build_snapshot(report=report, as_of=report.figures_as_of)
        rendered = {}
        for name, draft in (("pack", False), ("draft pack", True)):
            html = render_html(snapshot, draft=draft)
            rendered[name] = Rendered(html, read(html_to_pdf(html).pdf))
        review = ProgressReview.objects.get(challenge=challenge)
        StatementEvidence.objects.create(review=review, title="Evidence pack", url=EVIDENCE_URL)
        html = render_statement_html(review)
        rendered["statement"] = Rendered(html, read(render_statement_pdf(review)))
        transaction.set_rollback(True)
    return rendered


DOCUMENTS = ["pack", "draft pack", "statement"]


def _owned(document: TaggedPdf) -> set[tuple[int, int]]:
    return {key for elem in document.root.walk() for key in elem.content}


def _count(html: str, tag: str) -> int:
    return len(re.findall(rf"<{tag}[\s>]", html))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_furniture_is_an_artifact_and_everything_else_is_in_the_tree(documents, name):
    document = documents[name].pdf
    owned = _owned(document)
    assert all(m.tag == "/Artifact" or (m.page, m.mcid) in owned for m in document.marked)
    pages = len(document.pdf.pages)
    footers = {m.text.strip() for m in document.artifacts if m.properties.get("/Subtype") == "/Footer"}
    assert {f"Page {n} of {pages}" for n in range(1, pages + 1)} <= footers
    assert any(m.properties.get("/Subtype") == "/Header" for m in document.artifacts)
    assert "Page 1 of" not in document.tagged_text()


@pytest.mark.parametrize("name", ["pack", "draft pack"])
def test_the_contents_leader_dots_are_artifacts_and_its_links_read_title_and_page(documents, name):
    document = documents[name].pdf
    links = [elem for elem in document.root.walk() if elem.role == "/Link"]
    contents = [link for link in links if link.page == links[0].page and all("/Dest" in a for a in link.annotations)]
    assert len(contents) >= 5
    dots = [m for m in document.marked if m.text.strip() == "." and m.page == contents[0].page]
    assert len(dots) > 100
    assert all(m.tag == "/Artifact" and m.properties == {"/Type": "/Layout"} for m in dots)
    for link in contents:
        words = document.text_of(link)
        assert "..." not in words.replace(" ", "")
        title, page = re.fullmatch(r"(.+?) (\d+)", words).groups()
        assert [str(a.Contents) for a in link.annotations] == [f"{title} (go to page {page})"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_structure_element_per_table_section_and_header_row(documents, name):
    html, document = documents[name].html, documents[name].pdf
    assert len(document.root.find("/Table")) == _count(html, "table")
    assert len(document.root.find("/THead")) == _count(html, "thead")
    assert len(document.root.find("/Caption")) == _count(html, "caption")
    assert len(document.root.find("/Sect")) == _count(html, "section")
    for table in document.root.find("/Table"):
        roles = [kid.role for kid in table.kids]
        assert roles.count("/THead") <= 1 and roles.count("/Caption") <= 1
        assert "/Caption" not in roles or roles[0] == "/Caption"


def test_the_pack_has_a_table_across_pages_whose_repeated_header_is_an_artifact(documents):
    document = documents["pack"].pdf
    across = [t for t in document.root.find("/Table") if len({p for e in t.walk() for p, _ in e.content}) > 1]
    assert across
    for table in across:
        header = " ".join(document.text_of(th) for th in table.find("/THead")[0].find("/TH"))
        first_page = min(p for e in table.walk() for p, _ in e.content)
        later = [m for m in document.artifacts if m.page > first_page and m.properties == {"/Type": "/Pagination"}]
        assert header.split()[0] in {m.text.strip() for m in later}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_header_cell_is_in_the_id_tree_and_every_data_cell_names_its_headers(documents, name):
    document = documents[name].pdf
    for table in document.root.find("/Table"):
        headers = {str(th.obj.ID): th for th in table.find("/TH")}
        assert all(document.id_tree[i].objgen == th.obj.objgen for i, th in headers.items())
        assert all(str(attribute(th, "/Scope")) in ("/Column", "/Row") for th in headers.values())
        for td in table.find("/TD"):
            named = [str(h) for h in attribute(td, "/Headers") or []]
            if headers:
                assert named and set(named) <= set(headers), document.text_of(td)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_link_is_described_by_its_words_not_its_target(documents, name):
    document = documents[name].pdf
    links = document.root.find("/Link")
    for link in links:
        assert link.annotations
        assert not link.find("/Link")[1:]
        for annotation in link.annotations:
            description = str(annotation.Contents)
            assert description.startswith(document.text_of(link).rsplit(" ", 1)[0][:20])
            assert not re.fullmatch(r"[a-z0-9-]+", description)  # never a slug such as "rec-1"
    on_pages = {a.objgen for page in document.pdf.pages for a in page.obj.get("/Annots", [])}
    assert on_pages == {a.objgen for link in links for a in link.annotations}


def test_the_statements_evidence_link_is_described_by_its_address(documents):
    document = documents["statement"].pdf
    descriptions = [str(a.Contents) for link in document.root.find("/Link") for a in link.annotations]
    assert EVIDENCE_URL in descriptions


def test_the_draft_watermark_is_an_artifact(documents):
    document = documents["draft pack"].pdf
    marks = [m for m in document.marked if m.text.strip() == "DRAFT"]
    assert len(marks) == len(document.pdf.pages)
    assert all(m.tag == "/Artifact" for m in marks)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_title_and_language(documents, name):
    html, pdf = documents[name].html, documents[name].pdf.pdf
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert str(pdf.docinfo.Title) == " ".join(title.split()).replace("&#x27;", "'").replace("&amp;", "&")
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_font_is_embedded_and_maps_to_unicode(documents, name):
    pdf = documents[name].pdf.pdf
    fonts = {font.objgen: font for page in pdf.pages for font in page.obj.Resources.get("/Font", {}).values()}
    assert fonts
    for font in fonts.values():
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        assert "/ToUnicode" in font, font.BaseFont
