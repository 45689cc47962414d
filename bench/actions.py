"""Officers' pages: My actions, the action page (timeline + history) and saving an update.

    .venv/bin/python bench/actions.py                 # SQLite in /tmp
    .venv/bin/python bench/actions.py --database-url postgres://postgres@127.0.0.1:5432/peertrack_h3_bench

Builds one council whose officer leads 10 or 100 actions, each with 20 progress updates and
10 coordinator edits (so 11 history rows), then times in the same run, median of `--runs`
requests each, against the accessibility statement (same middleware and base template):
My actions, one action page, an htmx progress update (insert + history + fragments) and an
optimistic-concurrency edit. Prints milliseconds, the ratio to the baseline and queries made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _setup(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif url.startswith("postgres"):
        from bench.dashboards import _recreate_postgres

        _recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peertrack.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-of-sufficient-length-0123456789")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(size: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from recommendations.models import Action, Council, Membership, PeerChallenge, ProgressUpdate, Recommendation

    User = get_user_model()
    council = Council.objects.create(name=f"Bench {size}", slug=f"bench-{size}")
    officer = User.objects.create_user(username=f"officer{size}", first_name="Olu", last_name="F")
    coordinator = User.objects.create_user(username=f"coord{size}", first_name="Cara", last_name="C")
    Membership.objects.create(user=officer, council=council, role="officer")
    Membership.objects.create(user=coordinator, council=council, role="coordinator")
    challenge = PeerChallenge.objects.create(council=council, slug=f"bench-{size}-2024", title="CPC",
                                             onsite_start=dt.date(2024, 1, 15),
                                             onsite_end=dt.date(2024, 1, 18))
    now = timezone.now()
    actions = []
    for number in range(1, size // 5 + 1):
        recommendation = Recommendation.objects.create(challenge=challenge, number=number,
                                                       title=f"R{number}", text="Text.")
        for index in range(5):
            action = Action.objects.create(recommendation=recommendation,
                                           reference=f"{number}.{index + 1}",
                                           description="Deliver the thing.", lead_officer=officer,
                                           status="in_progress", due_date=dt.date(2025, 3, 31))
            ProgressUpdate.objects.bulk_create([
                ProgressUpdate(action=action, rag=["green", "amber", "red"][u % 3],
                               period_year=2024, period_quarter=1 + u % 4,
                               narrative=f"Update {u}.", author=officer,
                               created_at=now - dt.timedelta(days=30 * (20 - u)))
                for u in range(20)])
            for edit in range(10):
                action.edit(expected_version=action.version, by=coordinator,
                            description=f"Deliver the thing, version {edit}.")
            actions.append(action)
    return officer, coordinator, actions[0]


def _time(client, method: str, url: str, runs: int, data=None, **headers) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = getattr(client, method)(url, data or {}, secure=True, **headers)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(samples), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/peertrack_bench_actions.sqlite3")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    _setup(args.database_url)

    from django.test import Client
    from django.urls import reverse

    from recommendations.forms import open_periods

    print(f"database: {args.database_url.split('://')[0]}, median of {args.runs} requests")
    print(f"{'actions':>8} {'page':<22} {'ms':>8} {'x baseline':>11} {'queries':>8}")
    for size in (10, 100):
        officer, coordinator, action = _build(size)
        client = Client()
        client.force_login(officer)
        slug = action.recommendation.challenge.slug
        base, base_q = _time(client, "get", reverse("accessibility"), args.runs)
        rows = [("baseline (accessibility)", base, base_q),
                ("my actions", *_time(client, "get", reverse("my_actions"), args.runs)),
                ("action page", *_time(client, "get", action.get_absolute_url(), args.runs))]
        progress = {"rag": "amber", "period": open_periods()[0].key, "narrative": "Bench update."}
        rows.append(("progress update (htmx)",
                     *_time(client, "post", reverse("action_progress", args=[slug, action.pk]),
                            args.runs, progress, HTTP_HX_REQUEST="true")))
        coord = Client()
        coord.force_login(coordinator)
        edit_ms = []
        for run in range(args.runs):
            action.refresh_from_db()
            data = {"version": action.version, "description": f"Bench edit {run}.",
                    "lead_officer": officer.pk, "due_date_day": 31, "due_date_month": 3,
                    "due_date_year": 2025, "reason": ""}
            ms, edit_q = _time(coord, "post", reverse("action_edit", args=[slug, action.pk]), 1, data)
            edit_ms.append(ms)
        rows.append(("edit (version check)", statistics.median(edit_ms), edit_q))
        for name, ms, queries in rows:
            print(f"{size:>8} {name:<22} {ms:>8.1f} {ms / base:>11.1f} {queries:>8}")


if __name__ == "__main__":
    main()
