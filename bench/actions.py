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

import datetime as dt
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _build(size: int):
    from django.utils import timezone

    from bench.common import member, peer_challenge
    from recommendations.models import Action, Council, Membership, ProgressUpdate, Recommendation

    council = Council.objects.create(name=f"Bench {size}", slug=f"bench-{size}")
    officer = member(council=council, role=Membership.Role.OFFICER, username=f"officer{size}",
                     first_name="Olu", last_name="F")
    coordinator = member(council=council, role=Membership.Role.COORDINATOR, username=f"coord{size}",
                         first_name="Cara", last_name="C")
    challenge = peer_challenge(council=council, slug=f"bench-{size}-2024")
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
            Action.objects.keep_current_state_of(action.pk)  # bulk inserts bypass ProgressUpdate.save
            for edit in range(10):
                action.edit(expected_version=action.version, by=coordinator,
                            description=f"Deliver the thing, version {edit}.")
            actions.append(action)
    return officer, coordinator, actions[0]


def main() -> None:
    from bench.common import TRIVIAL_PAGE, arguments, setup_django, signed_in, time_request

    args = arguments(__doc__, database_url="sqlite:////tmp/peertrack_bench_actions.sqlite3", runs=15).parse_args()
    setup_django(args.database_url)

    from django.urls import reverse

    from recommendations.forms import open_periods

    print(f"database: {args.database_url.split('://')[0]}, median of {args.runs} requests")
    print(f"{'actions':>8} {'page':<22} {'ms':>8} {'x baseline':>11} {'queries':>8}")
    for size in (10, 100):
        officer, coordinator, action = _build(size)
        client = signed_in(officer)
        slug = action.recommendation.challenge.slug
        base, base_q = time_request(client, TRIVIAL_PAGE, args.runs)
        rows = [("baseline (accessibility)", base, base_q),
                ("my actions", *time_request(client, reverse("my_actions"), args.runs)),
                ("action page", *time_request(client, action.get_absolute_url(), args.runs))]
        progress = {"rag": "amber", "period": open_periods()[0].key, "narrative": "Bench update."}
        rows.append(("progress update (htmx)",
                     *time_request(client, reverse("action_progress", args=[slug, action.pk]), args.runs,
                                   method="post", data=progress, HTTP_HX_REQUEST="true")))
        coord = signed_in(coordinator)
        edit_ms = []
        for run in range(args.runs):
            action.refresh_from_db()
            data = {"version": action.version, "description": f"Bench edit {run}.",
                    "lead_officer": officer.pk, "due_date_day": 31, "due_date_month": 3,
                    "due_date_year": 2025, "reason": ""}
            ms, edit_q = time_request(coord, reverse("action_edit", args=[slug, action.pk]), 1,
                                      method="post", data=data, status=302)
            edit_ms.append(ms)
        rows.append(("edit (version check)", statistics.median(edit_ms), edit_q))
        for name, ms, queries in rows:
            print(f"{size:>8} {name:<22} {ms:>8.1f} {ms / base:>11.1f} {queries:>8}")


if __name__ == "__main__":
    main()
