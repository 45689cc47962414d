"""Renders the position statement PDF with the committee packs' pipeline and house style.

The HTML comes from templates/reviews/pdf/position_statement.html, which includes
the packs' stylesheet; `reviews.packs.pdf.html_to_pdf` turns it into a PDF/UA-1 file
(WeasyPrint's tags finished by `peertrack.pdf`, ADR 0025), fetching nothing but the project's
own static files.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from reviews.models import ProgressReview, ReturningPeer
from reviews.packs.pdf import html_to_pdf
from reviews.progress.services import statement_content


class StatementRenderingError(Exception):
    """The statement asked for a file that is not one of the project's own; nothing was returned."""


def statement_context(review: ProgressReview) -> dict[str, Any]:
    """Returns what the statement PDF shows: the statement (frozen once approved), the review and its peers."""
    return {
        "review": review,
        "challenge": review.challenge,
        "content": statement_content(review),
        "peers": list(ReturningPeer.objects.filter(review=review).select_related("member")),
        "printed_on": timezone.localdate(),
    }


def render_statement_html(review: ProgressReview) -> str:
    return render_to_string("reviews/pdf/position_statement.html", statement_context(review))


def render_statement_pdf(review: ProgressReview) -> bytes:
    """Returns the position statement PDF; raises StatementRenderingError if it asked for outside files."""
    rendered = html_to_pdf(render_statement_html(review))
    if rendered.refused_urls:
        raise StatementRenderingError("The position statement asked for files that are not the project's own.")
    return rendered.pdf
