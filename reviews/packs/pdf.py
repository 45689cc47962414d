"""Renders a committee pack: the snapshot through templates/reviews/pdf/ to HTML, then WeasyPrint.

WeasyPrint fetches nothing from the network: `StaticOnlyFetcher` serves the project's
own static files (the embedded font) and refuses every other URL, so a link or an
image reference in user text can never make the server fetch anything.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from peertrack import inputs
from peertrack.pdf import PDF_VARIANT, write_pdf_ua

logger = logging.getLogger(__name__)

# The document's own address: relative URLs in the pack resolve against it and the
# fetcher recognises it. ".invalid" is reserved, so it can never reach a real host.
BASE_URL = "https://peertrack.invalid/"
DATA_IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/svg+xml;base64,")


class RefusedURL(ValueError):
    """The pack asked for something other than one of the project's static files."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files found by Django's static finders.

    Anything else (http, https to any other host, file:, data:, ftp:) is refused, and
    the refusal is remembered in `refused` so tests and callers can see it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"], allow_redirects=False)
        self.refused: list[str] = []
        self._static_prefix = urlsplit(BASE_URL + settings.STATIC_URL.lstrip("/")).path

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(DATA_IMAGE_PREFIXES):
            # The council's logo, inlined by the template after branding.py checked and sanitised
            # it: decoded here, nothing is fetched.
            content_type, _, data = url.removeprefix("data:").partition(";base64,")
            try:
                body = base64.b64decode(data, validate=True)
            except ValueError:
                return self._refuse(url)
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        parts = urlsplit(url)
        path = unquote(parts.path)
        if (
            f"{parts.scheme}://{parts.netloc}/" != BASE_URL
            or not path.startswith(self._static_prefix)
            or parts.query
            or ".." in path.split("/")
        ):
            return self._refuse(url)
        try:
            found = finders.find(path.removeprefix(self._static_prefix))
        except SuspiciousFileOperation:
            return self._refuse(url)
        if not found or isinstance(found, list):
            return self._refuse(url)
        with open(found, "rb") as static_file:
            body = static_file.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _refuse(self, url: str) -> URLFetcherResponse:
        self.refused.append(url)
        logger.warning("The committee pack asked for %s; only static files are served.", url[:200])
        raise RefusedURL(f"Only the project's static files may be used in a pack, not {url[:200]}")


@dataclass(frozen=True)
class RenderedPack:
    pdf: bytes
    page_count: int
    refused_urls: tuple[str, ...]


def render_html(snapshot: dict[str, Any], *, draft: bool = False) -> str:
    """Returns the pack's HTML, rendered from the snapshot alone; `draft` adds the DRAFT watermark."""
    return render_to_string("reviews/pdf/pack.html", {"pack": snapshot, "for_print": True, "draft": draft})


def html_to_pdf(html: str) -> RenderedPack:
    """Returns the tagged PDF/UA-1 WeasyPrint makes of `html`, fetching only static files.

    Control characters (text stored before input was cleaned at the edge) are left out:
    a document never carries one.
    """
    html = inputs.xml_safe(inputs.clean_text(html))
    fetcher = StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    pdf = write_pdf_ua(document)  # WeasyPrint's tags finished to PDF/UA-1 (ADR 0025)
    return RenderedPack(pdf=pdf, page_count=len(document.pages), refused_urls=tuple(fetcher.refused))


def render_pdf(snapshot: dict[str, Any], *, draft: bool = False) -> RenderedPack:
    """Returns the committee pack PDF for `snapshot` (watermarked DRAFT when `draft`)."""
    return html_to_pdf(render_html(snapshot, draft=draft))
