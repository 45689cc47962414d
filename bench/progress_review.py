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

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _median(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _build(size: int):
    from django.contrib.auth import get_user_model

    from bench.dashboards import populate_challenge
    from recommendations.models import Council, Membership, PeerChallenge
    from reviews.models import ReviewTheme
    from reviews.progress import services

    council = Council.objects.create(name=f"Review Bench {size}", slug=f"review-bench-{size}")
    officers = []
    for index in range(8):
        user = get_user_model().objects.create_user(username=f"rb-officer-{size}-{index}", password=None)
        Membership.objects.create(user=user, council=council, role=Membership.Role.OFFICER)
        officers.append(user)
    coordinator = get_user_model().objects.create_user(username=f"rb-coordinator-{size}", password=None,
                                                       first_name="Bench", last_name="Coordinator")
    Membership.objects.create(user=coordinator, council=council, role=Membership.Role.COORDINATOR)
    challenge = PeerChallenge.objects.create(
        council=council, slug=f"review-bench-{size}-2024", title="Corporate Peer Challenge 2024",
        onsite_start=dt.date(2024, 1, 15), onsite_end=dt.date(2024, 1, 18))
    populate_challenge(challenge=challenge, officers=officers, recommendations=size,
                       actions_per_recommendation=4, updates_per_action=6, seed=size)
    review = services.schedule_review(challenge=challenge, review_date=dt.date(2024, 11, 18), peers=[],
                                      by=coordinator)
    recommendations = list(challenge.recommendations.order_by("number"))
    for index in range(6):
        theme = ReviewTheme.objects.create(review=review, name=f"Theme {index + 1}", position=index + 1,
                                           feedback="The peers' narrative. " * 40)
        theme.recommendations.set(recommendations[index::6])
    return review, coordinator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/peertrack-bench-review.sqlite3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10,100")
    args = parser.parse_args()
    from bench.packs import _setup

    _setup(args.database_url)

    from django.contrib.messages.storage.fallback import FallbackStorage

    # Keep one connection across requests (as the test client does) so the query count sees them.
    from django.core import signals
    from django.db import close_old_connections, connection
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings
    from weasyprint import HTML

    from reviews.packs.pdf import BASE_URL, PDF_VARIANT, StaticOnlyFetcher
    from reviews.progress import services
    from reviews.progress.pdf import render_statement_html, render_statement_pdf
    from reviews.progress.views import review_detail

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    print(f"Progress review on {connection.vendor}, median of {args.runs} runs each")
    print(f"{'recs':>5} {'page ms':>8} {'trivial ms':>11} {'ratio':>6} {'queries':>8} {'prefill ms':>11} "
          f"{'pdf s':>7} {'weasy s':>8} {'overhead':>9}")
    with override_settings(ALLOWED_HOSTS=["testserver"], AXES_ENABLED=False, SECURE_SSL_REDIRECT=False):
        for size in [int(value) for value in args.sizes.split(",")]:
            review, coordinator = _build(size)
            client = Client()
            client.force_login(coordinator)
            url = review.get_absolute_url()
            first = client.get(url)
            assert first.status_code == 200, (first.status_code, first.content[:300])
            client.get("/accessibility/")
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
            page = _median(lambda u=url, c=client: c.get(u), args.runs)
            trivial = _median(lambda c=client: c.get("/accessibility/"), args.runs)
            prefill = _median(lambda r=review, c=coordinator: services.prefill_statement(
                review=r, by=c, replace=True), args.runs)
            html = render_statement_html(review)
            render_statement_pdf(review)
            pdf = _median(lambda r=review: render_statement_pdf(r), args.runs)
            weasy = _median(lambda h=html: HTML(string=h, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
                            .write_pdf(pdf_variant=PDF_VARIANT), args.runs)
            print(f"{size:>5} {page * 1000:>8.1f} {trivial * 1000:>11.1f} {page / trivial:>6.1f} "
                  f"{len(queries):>8} {prefill * 1000:>11.1f} {pdf:>7.3f} {weasy:>8.3f} "
                  f"{(pdf - weasy) / weasy:>8.1%}")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Process maximum resident set size: {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
