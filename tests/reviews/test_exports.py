"""Rendering: only the project's static files are fetched, user text stays text."""

from __future__ import annotations

import pytest

from reviews.packs.pdf import BASE_URL, RefusedURL, StaticOnlyFetcher, html_to_pdf, render_pdf
from reviews.packs.snapshot import build_snapshot
from tests.reviews._pdf import pdf_text


def test_fetcher_serves_the_embedded_font_from_static_files():
    response = StaticOnlyFetcher().fetch(BASE_URL + "static/fonts/LiberationSans-Regular.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/static/fonts/LiberationSans-Regular.ttf",
    "file:///etc/passwd",
    "data:text/plain,hello",
    BASE_URL + "media/packs/other.pdf",
    BASE_URL + "static/../peertrack/settings.py",
    BASE_URL + "static/fonts/missing.ttf",
])
def test_fetcher_refuses_everything_else(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_document_asking_for_network_files_gets_none_of_them():
    html = ('<html lang="en-GB"><head><title>t</title>'
            '<link rel="stylesheet" href="http://example.com/x.css"></head>'
            '<body><img src="https://example.com/tracker.png" alt="x"><p>Hello</p></body></html>')
    rendered = html_to_pdf(html)
    assert rendered.refused_urls == ("http://example.com/x.css", "https://example.com/tracker.png")
    assert rendered.pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_user_text_is_printed_as_text_and_fetches_nothing(report, tmp_path):
    report.purpose = 'Read <img src="http://example.com/x.png"> & <b>this</b>'
    report.save()
    rendered = render_pdf(build_snapshot(report=report))
    assert rendered.refused_urls == ()
    text = pdf_text(rendered.pdf, tmp_path)
    assert '<img src="http://example.com/x.png"> & <b>this</b>' in text
