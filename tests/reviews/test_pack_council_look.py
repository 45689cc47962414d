"""The council's look and words: logo (checked, sanitised), Word template and RAG wording."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from recommendations.models import Council
from reviews.models import WordTemplate
from reviews.packs.branding import LogoRefused, clean_logo
from reviews.packs.pdf import render_pdf
from reviews.packs.snapshot import build_snapshot
from tests.factories import make_report
from tests.reviews._pdf import pdf_text
from tests.reviews.logo_fixtures import ENTITY_SVG, HOSTILE_SVG, png


def _url(challenge):
    return reverse("council_look", args=[challenge.slug])


def _form(**extra):
    return {"rag_blue": "", "rag_green": "", "rag_amber": "", "rag_red": "", "rag_not_rated": "", **extra}


def _word_template() -> bytes:
    document = Document()
    document.styles["Heading 1"].font.name = "Georgia"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_only_coordinators_set_the_look(client, request, persona, challenge):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(challenge)).status_code == 403
    assert client.post(_url(challenge), _form(rag_red="Mine")).status_code == 403
    assert Council.objects.get(pk=challenge.council_id).rag_wording == {}


@pytest.mark.django_db
def test_another_councils_coordinator_gets_404(client, mallory, challenge):
    client.force_login(mallory)
    assert client.post(_url(challenge), _form(rag_red="Mine")).status_code == 404


@pytest.mark.django_db
def test_a_coordinator_sets_logo_wording_and_template_and_every_legend_uses_the_wording(client, alice, challenge):
    client.force_login(alice)
    response = client.post(
        _url(challenge),
        _form(
            rag_red="Off track: Cabinet to act",
            rag_amber="  ",
            logo=SimpleUploadedFile("logo.png", png(), content_type="image/png"),
            word_template=SimpleUploadedFile("committee.docx", _word_template()),
        ),
    )
    assert response.status_code == 302
    council = Council.objects.get(pk=challenge.council_id)
    assert council.rag_wording == {"red": "Off track: Cabinet to act"}
    assert council.logo_content_type == "image/png"
    assert b"private note" not in bytes(council.logo)  # ancillary chunks are not kept
    assert WordTemplate.objects.get(council=council).original_name == "committee.docx"

    page = client.get(reverse("challenge", args=[challenge.slug])).content.decode()
    legend = re.search(r'<div class="pt-rag-legend-wrapper">(.*?)</div>', page, re.S).group(1)
    assert "Off track: Cabinet to act" in legend
    assert "Some slippage or risk; manageable" in legend  # an empty band keeps the default
    assert 'class="pt-header__logo" src="data:image/png;base64,' in page


@pytest.mark.django_db
def test_an_svg_logo_loses_scripts_handlers_and_outside_references(client, alice, challenge):
    client.force_login(alice)
    client.post(
        _url(challenge),
        _form(logo=SimpleUploadedFile("logo.svg", HOSTILE_SVG, content_type="image/svg+xml")),
        follow=True,
    )
    stored = bytes(Council.objects.get(pk=challenge.council_id).logo).decode()
    for gone in (
        "<script",
        "onload",
        "onclick",
        "foreignObject",
        "iframe",
        "evil.example",
        "javascript:",
        "<image",
        "<a ",
    ):
        assert gone not in stored
    assert "<rect" in stored and "<text" in stored and "Northtown" in stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("entities.svg", ENTITY_SVG, "must not contain a document type or entities"),
        ("big.png", png(4500, 10), "at most 4000 pixels"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200_000, "smaller than 100 KB"),
        ("notes.txt", b"hello", "must be a PNG or an SVG file"),
        ("broken.png", png()[:60], "damaged"),
        ("empty.png", b"", "empty"),
    ],
)
def test_a_bad_logo_is_refused_in_plain_words_and_changes_nothing(client, alice, challenge, name, content, message):
    client.force_login(alice)
    response = client.post(_url(challenge), _form(rag_red="Changed", logo=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error:" in body and message in body
    council = Council.objects.get(pk=challenge.council_id)
    assert council.rag_wording == {} and not council.logo_content_type


@pytest.mark.django_db
def test_a_file_that_is_not_a_word_document_is_refused(client, alice, challenge):
    client.force_login(alice)
    response = client.post(_url(challenge), _form(word_template=SimpleUploadedFile("t.docx", b"PK\x03\x04 nonsense")))
    assert response.status_code == 400
    assert "must be a .docx or .dotx file saved by Word" in response.content.decode()
    assert not WordTemplate.objects.exists()


def test_the_sanitiser_refuses_a_non_svg_root():
    with pytest.raises(LogoRefused, match="<svg> element at its root"):
        clean_logo(b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')


@pytest.mark.django_db
def test_logo_and_band_wording_appear_in_the_pdf(challenge, alice, action, tmp_path):
    challenge.council.logo, challenge.council.logo_content_type = clean_logo(png()).content, "image/png"
    challenge.council.rag_wording = {"green": "Going to plan, says the council"}
    challenge.council.save()
    rendered = render_pdf(build_snapshot(report=make_report(challenge=challenge, by=alice)))
    assert not rendered.refused_urls
    text = re.sub(r"\s+", " ", pdf_text(rendered.pdf, tmp_path))
    assert "Going to plan, says the council" in text
    cover = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    images = [x for x in cover["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert images  # the council's logo on the cover
