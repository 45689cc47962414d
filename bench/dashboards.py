"""National-size data and timings for the scrutiny dashboards.

    .venv/bin/python bench/dashboards.py                       # SQLite in /tmp
    .venv/bin/python bench/dashboards.py --database-url postgres://postgres@127.0.0.1:5432/peertrack_h4_bench

Builds 350 councils x 2 challenges x 10 recommendations x 4 actions x 12 updates
(7,000 recommendations, 28,000 actions, 336,000 updates) in a fresh database,
then times each dashboard page as a scrutiny member of one council, and the
portfolio and search as an LGA adviser who may read every council, against a
trivial page (the accessibility statement: same middleware, same base template)
in the same run. Prints median milliseconds, the ratio to the trivial page and
the query count of each page. Compare ratios, not absolute times: the machine is shared.

`build_national_dataset` and `populate_challenge` are the reusable part: a later
load test imports them (bulk inserts; they bypass django-simple-history, which a
benchmark does not need).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RAGS = ["green", "green", "green", "amber", "amber", "red", "blue"]
THEME_NAMES = [
    "Local priorities and outcomes", "Organisational and place leadership", "Governance and culture",
    "Financial planning and management", "Capacity for improvement",
]


def populate_challenge(*, challenge: Any, officers: list[Any], recommendations: int = 10,
                       actions_per_recommendation: int = 4, updates_per_action: int = 12,
                       seed: int = 0, first_number: int = 1) -> None:
    """Adds themes, recommendations, actions and monthly progress updates to `challenge` in bulk.

    Updates start a month after the visit and follow monthly; ratings and due dates are
    drawn from `random.Random(seed)`, so the same seed gives the same plan.
    """
    from django.utils import timezone

    from recommendations.models import Action, ProgressUpdate, Recommendation, Theme
    from recommendations.periods import ReportingPeriod

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not security
    themes = {theme.name: theme for theme in challenge.themes.all()}
    missing = [Theme(challenge=challenge, kind=Theme.Kind.CORE_COMPONENT, name=name, position=index)
               for index, name in enumerate(THEME_NAMES) if name not in themes]
    for theme in Theme.objects.bulk_create(missing):
        themes[theme.name] = theme
    theme_list = [themes[name] for name in THEME_NAMES]
    recs = Recommendation.objects.bulk_create([
        Recommendation(challenge=challenge, number=number, title=f"Recommendation {number}",
                       text=f"The council should strengthen delivery of priority {number} "
                            "with partners, residents and a clear medium term financial strategy.",
                       response_narrative="Accepted. The council will report progress to scrutiny.",
                       theme=theme_list[number % len(theme_list)])
        for number in range(first_number, first_number + recommendations)
    ])
    start = challenge.onsite_end
    created = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=30), dt.time(9)))
    actions = Action.objects.bulk_create([
        Action(recommendation=rec, reference=f"{rec.number}.{index}",
               description=f"Deliver part {index} of recommendation {rec.number}.",
               lead_officer=officers[(rec.number + index) % len(officers)] if officers else None,
               directorate=f"Directorate {(rec.number + index) % 6 + 1}",
               start_date=start, due_date=start + dt.timedelta(days=rng.randint(90, 540)),
               status=Action.Status.IN_PROGRESS, created_at=created)
        for rec in recs for index in range(1, actions_per_recommendation + 1)
    ])
    updates = []
    for action in actions:
        for month in range(updates_per_action):
            moment = created + dt.timedelta(days=30 * month + rng.randint(0, 10))
            period = ReportingPeriod.for_date(timezone.localtime(moment).date())
            updates.append(ProgressUpdate(
                action=action, rag=rng.choice(RAGS), created_at=moment,
                period_year=period.year, period_quarter=period.quarter,
                narrative=f"Month {month + 1}: workshops held with partners; the business case "
                          "and budget were reviewed at the programme board.",
                author=action.lead_officer,
            ))
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
    # Bulk inserts send no signals and bypass ProgressUpdate.save: keep what the model keeps on write.
    from peertrack import caching

    Action.objects.filter(pk__in=[action.pk for action in actions]).keep_current_state()
    caching.bump(type(challenge).objects.filter(pk=challenge.pk))


def build_national_dataset(*, councils: int = 350, challenges_per_council: int = 2,
                           recommendations: int = 10, actions_per_recommendation: int = 4,
                           updates_per_action: int = 12, progress: bool = True, first: int = 1) -> dict[str, Any]:
    """Creates councils `first` to `councils`, each with an officer and a scrutiny member, and their
    challenges four years apart (the latest in January 2024) with full plans. Called again with a
    later `first` it grows the same data set (the scaling runs).

    Returns the first council's scrutiny member (`scrutiny`) and officer (`officer`), an adviser who
    belongs to every council as a scrutiny member (`adviser`) and the first council's latest
    challenge (`challenge`).
    """
    from django.contrib.auth import get_user_model

    from bench.common import peer_challenge
    from recommendations.models import Council, Membership, PeerChallenge

    user_model = get_user_model()
    adviser, _created = user_model.objects.get_or_create(username="lga-adviser",
                                                         defaults={"first_name": "LGA", "last_name": "Adviser"})
    found: dict[str, Any] = {"adviser": adviser}
    for number in range(first, councils + 1):
        council = Council.objects.create(name=f"Bench Council {number:03d}", slug=f"bench-{number:03d}")
        officer = user_model.objects.create_user(username=f"officer-{number:03d}", password=None,
                                                 first_name="Officer", last_name=f"{number:03d}")
        scrutiny = user_model.objects.create_user(username=f"scrutiny-{number:03d}", password=None)
        Membership.objects.bulk_create([
            Membership(user=officer, council=council, role=Membership.Role.OFFICER),
            Membership(user=scrutiny, council=council, role=Membership.Role.SCRUTINY),
            Membership(user=adviser, council=council, role=Membership.Role.SCRUTINY),
        ])
        for index in range(challenges_per_council):
            year = 2024 - 4 * (challenges_per_council - 1 - index)
            challenge = peer_challenge(council=council, slug=f"bench-{number:03d}-{year}", year=year)
            populate_challenge(challenge=challenge, officers=[officer], recommendations=recommendations,
                               actions_per_recommendation=actions_per_recommendation,
                               updates_per_action=updates_per_action, seed=number * 10 + index)
        if progress and number % 50 == 0:
            print(f"  {number} councils built", file=sys.stderr)
    found.update(scrutiny=user_model.objects.get(username="scrutiny-001"),
                 officer=user_model.objects.get(username="officer-001"),
                 challenge=PeerChallenge.objects.filter(council__slug="bench-001").order_by("-onsite_start").first())
    return found


def _write(people: dict[str, Any]) -> Any:
    """Returns a function that records a progress update on the first council's challenge: what
    makes its cached pages cold (bumps the challenge's version)."""
    from recommendations.models import Action
    from recommendations.periods import ReportingPeriod

    action = (Action.objects.filter(recommendation__challenge=people["challenge"]).select_related(
        "recommendation__challenge").order_by("pk").first())
    assert action is not None
    ratings = iter(["green", "amber"] * 10_000)

    def write() -> None:
        action.record_progress(rag=next(ratings), period=ReportingPeriod.current(), narrative="Bench write.",
                               by=people["officer"])
    return write


def _council_pages(slug: str, scrutiny: Any, officer: Any, officer_actions: int) -> list[tuple[str, Any, str]]:
    """The pages one council's people read about one challenge, each with the client that reads it."""
    from bench.common import TRIVIAL_PAGE

    plan = f"/challenges/{slug}/plan/"
    return [
        ("trivial page (accessibility statement)", scrutiny, TRIVIAL_PAGE),
        ("dashboard", scrutiny, f"/challenges/{slug}/dashboard/"),
        ("action plan table", scrutiny, plan),
        ("action plan, filtered and sorted", scrutiny, f"{plan}?rag=red&rag=amber&sort=-due_date"),
        ("action plan XLSX export", scrutiny, f"{plan}export.xlsx"),
        ("search (one council)", scrutiny, "/search/?q=financial+strategy"),
        (f"my actions (officer, {officer_actions} actions)", officer, "/my-actions/"),
    ]


def _pages(people: dict[str, Any], councils: int) -> list[tuple[str, Any, str]]:
    from bench.common import signed_in

    slug = people["challenge"].slug
    scrutiny, adviser = signed_in(people["scrutiny"]), signed_in(people["adviser"])
    return _council_pages(slug, scrutiny, signed_in(people["officer"]), 80) + [
        ("dashboard as at 22 Nov 2024", scrutiny, f"/challenges/{slug}/dashboard/?as_of=2024-11-22"),
        ("portfolio (one council)", scrutiny, "/portfolio/"),
        (f"portfolio (adviser, {councils} councils, first page)", adviser, "/portfolio/"),
        (f"search (adviser, {councils} councils)", adviser, "/search/?q=financial+strategy"),
    ]


def measure(people: dict[str, Any], councils: int, runs: int) -> list[tuple[str, float, int, float, int]]:
    """Times each page warm (repeated) and cold (each request right after a write to the challenge);
    returns (page, warm ms, warm queries, cold ms, cold queries)."""
    from bench.common import time_request

    write = _write(people)
    results = []
    for name, client, url in _pages(people, councils):
        warm, warm_queries = time_request(client, url, runs)
        cold, cold_queries = time_request(client, url, runs, before_each=write)
        results.append((name, warm, warm_queries, cold, cold_queries))
    return results


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    from bench.common import arguments, setup_django, whole_numbers

    parser = arguments(__doc__, database_url="sqlite:////tmp/peertrack-bench-dashboards.sqlite3", runs=15)
    parser.add_argument("--scales", type=whole_numbers, default=[4, 35, 350],
                        help="council counts to measure at, growing one data set (default 4,35,350)")
    parser.add_argument("--existing", action="store_true",
                        help="measure the data set an earlier run left in --database-url (PostgreSQL), at its size")
    parser.add_argument("--plan-sizes", type=whole_numbers, default=[10, 100, 1000],
                        help="recommendations in one challenge's plan to measure its pages at (default 10,100,1000)")
    args = parser.parse_args()
    setup_django(args.database_url, empty=not args.existing)

    from django.db import connection

    from recommendations.models import Council

    built = Council.objects.filter(slug__startswith="bench-").count() if args.existing else 0
    if args.existing:
        args.scales = [built]
    people: dict[str, Any] = {}
    summary: dict[str, list[tuple[float, float]]] = {}
    for councils in sorted(args.scales):
        started = time.perf_counter()
        people = build_national_dataset(councils=councils, first=built + 1)
        built = councils
        print(f"\nBuilt {councils} councils in all (+{time.perf_counter() - started:.0f} s) on {connection.vendor}.")
        # A live database has planner statistics; a freshly bulk-loaded one has none until autovacuum.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"Before: {_load()}.")
        results = measure(people, councils, args.runs)
        print(f"After: {_load()}.")
        baseline = results[0][1]
        print(f"Median of {args.runs} requests each, {councils} councils ({connection.vendor}); "
              "cold = right after a write to the challenge:")
        print(f"{'page':52} {'warm ms':>8} {'x triv':>7} {'q':>3} {'cold ms':>8} {'x triv':>7} {'q':>3}")
        for name, warm, warm_queries, cold, cold_queries in results:
            print(f"{name:52} {warm:8.1f} {warm / baseline:7.1f} {warm_queries:3d} "
                  f"{cold:8.1f} {cold / baseline:7.1f} {cold_queries:3d}")
            summary.setdefault(name.replace(f"{councils} councils", "all councils"), []).append(
                (warm / baseline, cold / baseline))
    if len(args.scales) > 1:
        print("\nScaling: x trivial (warm / cold) at " + ", ".join(f"{n} councils" for n in sorted(args.scales)))
        for name, ratios in summary.items():
            print(f"{name:52} " + "   ".join(f"{warm:5.1f} / {cold:5.1f}" for warm, cold in ratios))
    export_rows(args.runs)
    plan_sizes(args.plan_sizes, args.runs)


def plan_sizes(sizes: list[int], runs: int) -> None:
    """Times one council's pages for plans of each size in `sizes` (recommendations of 4 actions with 6
    updates each, one officer leading all of them), warm and cold, against the trivial page: the pages
    that show one page of rows must stay flat as the plan grows; the exports grow linearly."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.common import member, planned_challenge, signed_in, time_request
    from recommendations.models import Membership, PeerChallenge

    rows: dict[str, list[tuple[float, float, int, int]]] = {}
    for size in sorted(sizes):
        started = time.perf_counter()
        challenge = PeerChallenge.objects.filter(slug=f"plan-{size}-2024").first()
        if challenge is None:  # else an earlier run (--existing) built it
            challenge, _officers = planned_challenge(name=f"Plan Size {size}", slug=f"plan-{size}",
                                                     recommendations=size)
            member(council=challenge.council, role=Membership.Role.SCRUTINY, username=f"plan-{size}-reader")
        users = get_user_model().objects
        reader, lead = users.get(username=f"plan-{size}-reader"), users.get(username=f"plan-{size}-officer-0")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\nBuilt a plan of {size} recommendations ({size * 4} actions) in "
              f"{time.perf_counter() - started:.0f} s; {_load()}.", file=sys.stderr)
        write = _write({"challenge": challenge, "officer": lead})
        scrutiny, officer = signed_in(reader), signed_in(lead)
        slug = challenge.slug
        pages = _council_pages(slug, scrutiny, officer, size // 2) + [
            ("recommendation page", scrutiny, f"/challenges/{slug}/recommendations/1/"),
            ("action plan CSV export", scrutiny, f"/challenges/{slug}/plan/export.csv"),
        ]
        for name, client, url in pages:
            count = min(runs, 5) if "export" in name else runs
            warm, warm_queries = time_request(client, url, count)
            cold, cold_queries = time_request(client, url, count, before_each=write)
            rows.setdefault(name.split(" (officer")[0], []).append((warm, cold, warm_queries, cold_queries))
    print("\nPlan size: median ms (x trivial) warm / cold, queries warm / cold, at "
          + ", ".join(f"{size} recommendations" for size in sorted(sizes)))
    trivial = rows["trivial page (accessibility statement)"]
    for name, measured in rows.items():
        cells = [f"{warm:7.1f} ({warm / base[0]:5.1f}) / {cold:7.1f} ({cold / base[1]:5.1f}) q {wq}/{cq}"
                 for (warm, cold, wq, cq), base in zip(measured, trivial, strict=True)]
        print(f"{name:40} " + "   ".join(cells))


def export_rows(runs: int) -> None:
    """Times the action plan's XLSX and CSV exports of a 4,000-action challenge, each request
    right after a write (nothing cached)."""
    from django.contrib.auth import get_user_model

    from bench.common import member, peer_challenge, signed_in, time_request
    from peertrack import caching
    from recommendations.models import Council, Membership, PeerChallenge

    challenge = PeerChallenge.objects.filter(slug="export-2024").first()
    if challenge is None:
        council = Council.objects.create(name="Export Council", slug="export")
        officer = member(council=council, role=Membership.Role.OFFICER, username="export-officer")
        member(council=council, role=Membership.Role.SCRUTINY, username="export-reader")
        challenge = peer_challenge(council=council, slug="export-2024")
        populate_challenge(challenge=challenge, officers=[officer], recommendations=1000,
                           actions_per_recommendation=4, updates_per_action=1)
    reader = get_user_model().objects.get(username="export-reader")
    client = signed_in(reader)
    bump = lambda: caching.bump(PeerChallenge.objects.filter(pk=challenge.pk))  # noqa: E731
    print(f"\nExports of a 4,000-action plan, median of {min(runs, 5)} (before: {_load()}):")
    for kind in ("xlsx", "csv"):
        median, queries = time_request(client, f"/challenges/{challenge.slug}/plan/export.{kind}", min(runs, 5),
                                       before_each=bump)
        print(f"  {kind.upper():5} {median:8.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
