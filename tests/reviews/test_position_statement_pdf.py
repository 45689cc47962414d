"""The position statement PDF: every recommendation's title and paragraph, in the packs' house style."""

from __future__ import annotations

import pytest

from reviews.models import PositionStatement
from reviews.progress import services
from tests import factories
from tests.reviews._pdf import pdf_text
from tests.reviews.review_fixtures import READ, assert_access


def _url(review):
    return review.get_absolute_url() + "position-statement.pdf"


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_who_may_download_the_statement(client, everyone, username, status, review):
    response = assert_access(client, username, status, _url(review))
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_the_pdf_holds_every_recommendations_title_and_paragraph(client, carol, review, challenge, tmp_path):
    titles = {2: "Medium Term Financial Strategy", 3: "Workforce diversity", 4: "Member training"}
    for number, title in titles.items():
        rec = factories.make_recommendation(challenge=challenge, number=number, title=title)
        PositionStatement.objects.create(review=review, recommendation=rec,
                                         text=f"Paragraph for {title.lower()}, written by the council.")
    review.statement_introduction = "The council welcomes the peers back."
    review.save()
    client.force_login(carol)
    text = " ".join(pdf_text(client.get(_url(review)).content, tmp_path).split())
    assert "Progress review position statement" in text
    assert "The council welcomes the peers back." in text
    assert "1. City centre masterplan" in text
    assert "The masterplan is being drafted with partners." in text
    for number, title in titles.items():
        assert f"{number}. {title}" in text
        assert f"Paragraph for {title.lower()}, written by the council." in text
    assert "Draft" in text and "not yet approved" in text


def test_the_approved_pdf_says_who_approved_it_and_keeps_the_approved_text(client, alice, carol, review, tmp_path):
    services.approve_statement(review=review, by=alice)
    PositionStatement.objects.update(text="Changed behind the statement's back")
    client.force_login(carol)
    text = " ".join(pdf_text(client.get(_url(review)).content, tmp_path).split())
    assert "Approved by Alice Coordinator" in text
    assert "The masterplan is being drafted with partners." in text
    assert "Changed behind" not in text


def test_links_in_the_text_are_never_fetched(client, alice, review, recommendation, tmp_path):
    from reviews.progress.pdf import render_statement_html

    PositionStatement.objects.update(text='<img src="http://169.254.169.254/latest"> the text stays text')
    html = render_statement_html(review)
    assert "<img src=" not in html
    assert "&lt;img src=" in html
    client.force_login(alice)
    assert client.get(_url(review)).status_code == 200
