"""Progress review timings: the review page, the statement pre-fill and the PDF, for 10 and 100 recommendations.

    .venv/bin/python bench/progress_review.py                 # SQLite in /tmp
    .venv/bin/python bench/progress_review.py --database-url postgres://postgres@127.0.0.1:5432/peertrack_h6_bench

For each size it builds a challenge (4 actions a recommendation, 6 updates an action, via
bench/dashboards.py's `populate_challenge`) with a progress review of six themes, then times
in the same run: the review page against a trivial page (the accessibility statement: same
middleware and base template), its query count, `prefill_statement(replace=True)`, and the
statement PDF against WeasyPrint alone on the same HTML. Compare ratios, not absolute times.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _build(size: int):
    from bench.common import member, planned_challenge
    from recommendations.models import Membership
    from reviews.models import ReviewTheme
    from reviews.progress import services

    challenge, _ = planned_challenge(name=f"Review Bench {size}", slug=f"review-bench-{size}", recommendations=size)
    coordinator = member(council=challenge.council, role=Membership.Role.COORDINATOR,
                         username=f"rb-coordinator-{size}", first_name="Bench", last_name="Coordinator")
    review = services.schedule_review(challenge=challenge, review_date=dt.date(2024, 11, 18), peers=[],
                                      by=coordinator)
    recommendations = list(challenge.recommendations.order_by("number"))
    for index in range(6):
        theme = ReviewTheme.objects.create(review=review, name=f"Theme {index + 1}", position=index + 1,
                                           feedback="The peers' narrative. " * 40)
        theme.recommendations.set(recommendations[index::6])
    return review, coordinator


def main() -> None:
    from bench.common import (
        TRIVIAL_PAGE,
        arguments,
        median_seconds,
        print_peak_resident_memory,
        setup_django,
        signed_in,
        time_request,
    )

    args = arguments(__doc__, database_url="sqlite:////tmp/peertrack-bench-review.sqlite3", runs=5,
                     sizes="10,100").parse_args()
    setup_django(args.database_url)

    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import connection
    from django.test import RequestFactory
    from weasyprint import HTML

    from reviews.packs.pdf import BASE_URL, PDF_VARIANT, StaticOnlyFetcher
    from reviews.progress import services
    from reviews.progress.pdf import render_statement_html, render_statement_pdf
    from reviews.progress.views import review_detail

    print(f"Progress review on {connection.vendor}, median of {args.runs} runs each")
    print(f"{'recs':>5} {'page ms':>8} {'trivial ms':>11} {'ratio':>6} {'queries':>8} {'prefill ms':>11} "
          f"{'pdf s':>7} {'weasy s':>8} {'overhead':>9}")
    for size in args.sizes:
        review, coordinator = _build(size)
        client = signed_in(coordinator)
        url = review.get_absolute_url()
        page, _ = time_request(client, url, args.runs)
        trivial, _ = time_request(client, TRIVIAL_PAGE, args.runs)
        # The view's own queries, without the session and user lookups of a request.
        request = RequestFactory().get(url)
        request.user = coordinator
        request.session = {}
        request._messages = FallbackStorage(request)
        queries: list[str] = []

        def count(execute, sql, params, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            review_detail(request, review.challenge.slug, review.pk)
        prefill = median_seconds(lambda r=review, c=coordinator: services.prefill_statement(
            review=r, by=c, replace=True), args.runs)
        html = render_statement_html(review)
        render_statement_pdf(review)
        pdf = median_seconds(lambda r=review: render_statement_pdf(r), args.runs)
        weasy = median_seconds(lambda h=html: HTML(string=h, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
                               .write_pdf(pdf_variant=PDF_VARIANT), args.runs)
        print(f"{size:>5} {page:>8.1f} {trivial:>11.1f} {page / trivial:>6.1f} "
              f"{len(queries):>8} {prefill * 1000:>11.1f} {pdf:>7.3f} {weasy:>8.3f} "
              f"{(pdf - weasy) / weasy:>8.1%}")
    print_peak_resident_memory()

if __name__ == "__main__":
    main()
