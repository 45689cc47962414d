"""Personas and shared fixtures.

Every test council story is told with the same people:
alice (coordinator), bob (officer, leads the action), olive (another officer),
carol (scrutiny member), dave (administrator) of Northtown; gina, a returning
peer with guest access to Northtown's challenge; and mallory, an officer of
Southport, another council who must never see Northtown's plan.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from recommendations.models import Membership
from tests import factories
from tests.summary import MATRIX_TALLY, matrix_summary, start_run, take_summaries, take_tally

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    start_run()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Prints what tests asked to report (e.g. the permission matrix's case count).

    Only the controlling process prints: a pytest-xdist worker's terminal is not shown.
    """
    if hasattr(config, "workerinput"):
        return
    for line in take_summaries():
        terminalreporter.write_line(line)
    for line in config.stash.get(_TALLY_LINES, []):
        terminalreporter.write_line(line)


_TALLY_LINES = pytest.StashKey[list[str]]()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Adds up the permission matrix's counts over every worker; too few cases fails the run."""
    if hasattr(session.config, "workerinput"):
        return
    lines = []
    tally = take_tally(MATRIX_TALLY)
    if tally:
        line, failure = matrix_summary(tally)
        lines.append(line)
        if failure:
            lines.append(f"FAILED: {failure}")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    session.config.stash[_TALLY_LINES] = lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leaves PostgreSQL-only tests out of a SQLite run; they run in the PostgreSQL pass."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def _require_postgres_when_marked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and "db" in request.fixturenames:
        if connection.vendor != "postgresql":
            message = "This test needs PostgreSQL (set DATABASE_URL)."
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hashes test passwords with a fast hasher; Argon2 (the real default) takes ~0.2 s each.

    tests/recommendations/test_sign_in.py checks the production setting puts Argon2 first.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _empty_local_cache() -> None:
    """Starts every test with an empty local-memory cache, so no test sees pages (ADR 0026) or
    rate-limit counts another test left in this process: the order and the xdist worker never
    matter. A shared cache (Redis, when REDIS_URL is set) is left alone, as other workers use it;
    its page keys carry each test's own random challenge versions. A query count that must be cold
    still empties the cache itself right before it measures.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Stores the files a test uploads or issues in its own directory, and returns that directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _run_together(work: Callable[[int], Any], count: int = 2) -> list[Any]:
    """Runs work(0..count-1) in threads released at the same instant; returns their results in order.

    An exception raised by `work` is returned as that thread's result, for the test to assert on.
    Each thread closes its own database connections, so a test database can be dropped afterwards.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def run_together() -> Callable[..., list[Any]]:
    """Returns `run_together(work, count=2)`: work(0..count-1) in threads started at the same instant.

    For races on PostgreSQL; the test needs `transactional_db`, so the threads see its rows.
    """
    return _run_together


@pytest.fixture
def northtown(db: Any) -> Any:
    return factories.make_council(name="Northtown Council", slug="northtown")


@pytest.fixture
def southport(db: Any) -> Any:
    return factories.make_council(name="Southport Council", slug="southport")


def _persona(username: str, *, council: str, role: str, last_name: str) -> Any:
    """Returns a fixture for the persona `username`, a member of the `council` fixture's council in `role`."""

    @pytest.fixture(name=username)
    def persona(request: pytest.FixtureRequest) -> Any:
        return factories.make_user(username=username, council=request.getfixturevalue(council), role=role,
                                   first_name=username.capitalize(), last_name=last_name)

    return persona


alice = _persona("alice", council="northtown", role=Membership.Role.COORDINATOR, last_name="Coordinator")
bob = _persona("bob", council="northtown", role=Membership.Role.OFFICER, last_name="Lead")
olive = _persona("olive", council="northtown", role=Membership.Role.OFFICER, last_name="Other")
carol = _persona("carol", council="northtown", role=Membership.Role.SCRUTINY, last_name="Councillor")
dave = _persona("dave", council="northtown", role=Membership.Role.ADMINISTRATOR, last_name="Admin")
mallory = _persona("mallory", council="southport", role=Membership.Role.OFFICER, last_name="Elsewhere")


@pytest.fixture
def gina(challenge: Any) -> Any:
    """A returning peer with guest access to the challenge until a week from today."""
    return factories.make_guest(challenge=challenge)


@pytest.fixture
def challenge(northtown: Any) -> Any:
    return factories.make_challenge(council=northtown, slug="northtown-2024",
                                    title="Corporate Peer Challenge 2024")


@pytest.fixture
def southport_challenge(southport: Any) -> Any:
    """Southport's challenge, which nobody of Northtown may reach."""
    return factories.make_challenge(council=southport, slug="southport-2024")


@pytest.fixture
def recommendation(challenge: Any) -> Any:
    return factories.make_recommendation(challenge=challenge, number=1, title="City centre masterplan")


@pytest.fixture
def action(recommendation: Any, bob: Any) -> Any:
    return factories.make_action(recommendation=recommendation, lead_officer=bob)
