"""What the benchmarks share: their options, a fresh database, timing, signed-in clients and plan data.

Each benchmark puts the repository on `sys.path` and then imports from here inside its functions,
as it imports Django: nothing here touches Django until `setup_django` has run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Same middleware and base template as every other page, and no data: each request benchmark
# reports its pages as multiples of this one, timed in the same run.
TRIVIAL_PAGE = "/accessibility/"


def whole_number(text: str) -> int:
    """Returns `text` as a whole number of 1 or more, or refuses it in plain words."""
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of 1 or more, not {text!r}")
    return int(text)


def whole_numbers(text: str) -> list[int]:
    """Returns comma-separated whole numbers of 1 or more ("10,200") as a list."""
    try:
        return [whole_number(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"give whole numbers of 1 or more separated by commas, such as 10,200, not {text!r}") from None


def arguments(doc: str, *, database_url: str, runs: int, sizes: str | None = None) -> argparse.ArgumentParser:
    """Returns a parser for the options every benchmark takes, described by `doc`'s first paragraph:
    --database-url, --runs and, when `sizes` gives its default, --sizes (parsed to a list of ints).
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", default=database_url)
    parser.add_argument("--runs", type=whole_number, default=runs)
    if sizes is not None:
        parser.add_argument("--sizes", type=whole_numbers, default=sizes)
    return parser


def recreate_postgres(url: str) -> None:
    """Drops and creates the benchmark's own database; refuses names not ending in _bench."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.endswith("_bench"):
        raise SystemExit("The benchmark recreates its database: give one whose name ends in _bench.")
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, *, empty: bool = True) -> None:
    """Empties the database at `url` (deletes the SQLite file, recreates the PostgreSQL one) unless
    `empty` is false (a data set an earlier run built), sets Django up on it with production
    settings and migrates it.

    The test client's host, `testserver`, is allowed; its requests are made as HTTPS (`time_request`),
    so HTTPS stays on as in production.
    """
    if empty and url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif empty and url.startswith("postgres"):
        recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peertrack.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-of-sufficient-length-0123456789")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_seconds(function: Callable[[], object], runs: int) -> float:
    """Calls `function` `runs` times; returns the median wall-clock seconds of a call."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_allocation(function: Callable[[], object]) -> int:
    """Calls `function` once under tracemalloc; returns its peak Python allocation in bytes.

    Apart from the timings: tracemalloc slows everything it watches.
    """
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def print_peak_resident_memory() -> None:
    """Prints the process's maximum resident set size so far."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Process maximum resident set size: {maxrss:.0f} MiB")


def signed_in(user: Any) -> Any:
    """Returns a test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def time_request(client: Any, url: str, runs: int, *, method: str = "get", data: dict[str, Any] | None = None,
                 status: int = 200, before_each: Callable[[], object] | None = None,
                 **headers: Any) -> tuple[float, int]:
    """Makes the request `runs` times over HTTPS; returns the median milliseconds and the number of
    queries the last one made. Fails unless every response has `status`.

    A GET is made once more first, untimed, to warm the caches (templates, URLs, query plans);
    a POST is not, as each one changes the data. `before_each` runs, untimed, before every timed
    request (a write, for a page's cold time).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if method == "get":
        client.get(url, data or {}, secure=True, **headers)
    samples = []
    queries = 0
    for _ in range(runs):
        # The log is a bounded deque that building the data may have filled: a full one cannot count.
        connection.queries_log.clear()
        if before_each is not None:
            before_each()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(url, data or {}, secure=True, **headers)
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(samples), queries


def member(*, council: Any, role: str, username: str, **fields: Any) -> Any:
    """Creates a user who cannot sign in with a password (the test client signs in without one)
    and makes them a member of `council` with `role`."""
    from django.contrib.auth import get_user_model

    from recommendations.models import Membership

    user = get_user_model().objects.create_user(username=username, password=None, **fields)
    Membership.objects.create(user=user, council=council, role=role)
    return user


def peer_challenge(*, council: Any, slug: str, year: int = 2024) -> Any:
    """Creates `council`'s corporate peer challenge of `year`, on site from 15 to 18 January."""
    from recommendations.models import PeerChallenge

    return PeerChallenge.objects.create(council=council, slug=slug, title=f"Corporate Peer Challenge {year}",
                                        onsite_start=dt.date(year, 1, 15), onsite_end=dt.date(year, 1, 18))


def planned_challenge(*, name: str, slug: str, recommendations: int) -> tuple[Any, list[Any]]:
    """Creates a council with 8 officers and a 2024 challenge whose plan has `recommendations`
    recommendations of 4 actions with 6 updates each (`populate_challenge`, seeded by the size).

    Returns the challenge and its officers.
    """
    from bench.dashboards import populate_challenge
    from recommendations.models import Council, Membership

    council = Council.objects.create(name=name, slug=slug)
    officers = [member(council=council, role=Membership.Role.OFFICER, username=f"{slug}-officer-{index}",
                       first_name="Officer", last_name=str(index))
                for index in range(8)]
    challenge = peer_challenge(council=council, slug=f"{slug}-2024")
    populate_challenge(challenge=challenge, officers=officers, recommendations=recommendations,
                       actions_per_recommendation=4, updates_per_action=6, seed=recommendations)
    return challenge, officers
