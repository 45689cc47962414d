"""The server's page cache cannot go stale (ADR 0026): every write to a challenge, by any path,
moves its cache version in the write's transaction, and the cached pages' keys carry it."""

from __future__ import annotations

import datetime as dt
import os
import socket

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peertrack import caching
from recommendations.models import Action, Deputy, Membership, PeerChallenge, Recommendation
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeMeeting
from tests import factories

pytestmark = pytest.mark.django_db

IN_CI = os.environ.get("CI", "").lower() == "true"


def _version(challenge: PeerChallenge) -> int:
    return PeerChallenge.objects.values_list("cache_version", flat=True).get(pk=challenge.pk)


def _queries(client, url: str) -> tuple[int, str]:
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), _main(response.content)


def _main(content: bytes) -> str:
    """Returns the page's main content: the rest carries a per-request CSRF token."""
    return content.decode().split("<main")[1].split("</main>")[0]


def _moves(challenge: PeerChallenge, write) -> bool:
    before = _version(challenge)
    write()
    return _version(challenge) != before


def test_every_kind_of_write_moves_the_challenges_version(challenge, recommendation, action, alice, bob, olive):
    period = ReportingPeriod.current()
    other = factories.make_challenge(council=factories.make_council(), slug="elsewhere")
    untouched = _version(other)
    assert _moves(challenge, lambda: action.record_progress(rag="blue", period=period, narrative="Done.", by=bob))
    assert _moves(challenge, lambda: action.return_for_work(by=alice, reason="Evidence missing."))
    assert _moves(challenge, lambda: action.record_progress(rag="blue", period=period, narrative="Now.", by=bob))
    assert _moves(challenge, lambda: action.sign_off(by=alice))
    second = factories.make_action(recommendation=recommendation, reference="1.2", lead_officer=bob)
    assert _moves(challenge, lambda: second.close(by=alice, reason="Superseded."))
    assert _moves(challenge, lambda: second.reopen(by=alice, reason="Needed after all."))
    assert _moves(challenge, lambda: second.edit(expected_version=second.version, by=alice, description="Reworded."))

    def admin_style_save() -> None:  # a plain save(), as the admin and the set-up pages make
        recommendation.title = "A new title"
        recommendation.save()

    assert _moves(challenge, admin_style_save)
    assert _moves(challenge, lambda: factories.make_theme(challenge=challenge, name="A new theme"))
    assert _moves(
        challenge,
        lambda: CommitteeMeeting.objects.create(
            challenge=challenge, committee="Scrutiny", meeting_date=dt.date(2025, 1, 29)
        ),
    )
    assert _moves(
        challenge,
        lambda: Deputy.objects.create(
            council=challenge.council, deputy=olive, action=second, ends_on=dt.date(2030, 1, 1)
        ),
    )
    assert _moves(challenge, lambda: Membership.objects.filter(user=olive).first().delete())

    def rename_lead() -> None:  # the lead officer's name shows on the plan
        bob.last_name = "Renamed"
        bob.save()

    assert _moves(challenge, rename_lead)
    assert not _moves(challenge, lambda: bob.save(update_fields=["last_login"]))  # signing in shows nothing
    assert _version(other) == untouched
    # Archiving is a guarded UPDATE that sends no signal: the keys carry the archived state instead.
    before = caching.page_key("dashboard", [PeerChallenge.objects.get(pk=challenge.pk)])
    challenge.archive(by=alice)
    assert caching.page_key("dashboard", [PeerChallenge.objects.get(pk=challenge.pk)]) != before


def test_a_full_save_of_a_stale_copy_still_gets_a_new_version(challenge):
    stale = PeerChallenge.objects.get(pk=challenge.pk)
    factories.make_recommendation(challenge=challenge, number=1)
    seen = {_version(challenge)}
    stale.title = "Retitled"
    stale.save()  # writes back its old cache_version, then the bump replaces it
    assert _version(challenge) not in seen


def test_a_warm_dashboard_makes_fewer_queries_and_a_write_shows_at_once(client, carol, challenge, action, bob):
    client.force_login(carol)
    url = reverse("dashboard", args=[challenge.slug])
    cold, first = _queries(client, url)
    warm, again = _queries(client, url)
    assert warm < cold
    assert warm <= 8
    assert again == first
    action.record_progress(rag="red", period=ReportingPeriod.current(), narrative="Stalled.", by=bob)
    after_write, fresh = _queries(client, url)
    assert after_write > warm  # rebuilt, not served from the cache
    assert fresh != first
    # The rated action now counts under Red.
    board = client.get(url + "?since=2024-01-01").context["board"]
    assert {item["value"]: item["count"] for item in board.action_counts}["red"] == 1


def test_the_action_plan_is_cached_per_filter_date_and_fragment(client, carol, challenge, action, bob):
    client.force_login(carol)
    url = reverse("action_plan", args=[challenge.slug])
    cold, _page = _queries(client, url)
    assert _queries(client, url)[0] < cold
    # A filter, a past date and the htmx fragment are other pages: each is built once.
    for extra, headers in ((f"{url}?rag=red", {}), (f"{url}?as_of=2024-06-30", {}), (url, {"HTTP_HX_REQUEST": "true"})):
        first = client.get(extra, **headers)
        second = client.get(extra, **headers)
        assert (
            _main(first.content) == _main(second.content)
            if "<main" in first.content.decode()
            else first.content == second.content
        )
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="action-plan-results"' in fragment
    action.record_progress(rag="amber", period=ReportingPeriod.current(), narrative="Slipping.", by=bob)
    assert "Amber" in client.get(url).content.decode().split('id="action-plan-table"')[1]


def test_a_past_date_is_kept_longer_than_today(monkeypatch):
    stored: dict[str, int] = {}
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: stored.__setitem__(key, timeout))
    monkeypatch.setattr(cache, "get", lambda key: None)
    caching.cached("today", lambda: "x")
    caching.cached("past", lambda: "x", past=True)
    assert stored == {"today": caching.TODAY_TIMEOUT, "past": caching.PAST_TIMEOUT}
    assert caching.PAST_TIMEOUT > caching.TODAY_TIMEOUT


def test_portfolio_rows_are_cached_per_challenge_and_refreshed_by_a_write(client, carol, challenge, action, bob):
    client.force_login(carol)
    url = reverse("portfolio")
    cold, _page = _queries(client, url)
    warm, _page = _queries(client, url)
    assert warm < cold
    action.record_progress(rag="red", period=ReportingPeriod.current(), narrative="Stalled.", by=bob)
    response = client.get(url)
    row = next(r for group in response.context["councils"] for r in group["rows"])
    assert {item["value"]: item["count"] for item in row["counts"]}["red"] == 1


def test_keys_differ_by_version_archiving_and_parts(challenge):
    key = caching.page_key("dashboard", [challenge], "2024-01-01")
    assert key == caching.page_key("dashboard", [challenge], "2024-01-01")
    assert key != caching.page_key("dashboard", [challenge], "2024-01-02")
    assert key != caching.page_key("plan", [challenge], "2024-01-01")
    moved = PeerChallenge.objects.get(pk=challenge.pk)
    moved.cache_version += 1
    assert key != caching.page_key("dashboard", [moved], "2024-01-01")
    moved.cache_version = challenge.cache_version
    moved.archived_at = timezone.now()
    assert key != caching.page_key("dashboard", [moved], "2024-01-01")


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_pages_are_cached_in_redis_when_it_is_configured(settings, client, carol, challenge, action, bob):
    if not _redis_listening():
        message = "Redis is not listening on 127.0.0.1:6379."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "peertrack-test",
        }
    }
    from django.core.cache import caches

    redis_cache = caches["default"]
    assert type(redis_cache).__name__ == "RedisCache"
    client.force_login(carol)
    url = reverse("dashboard", args=[challenge.slug])
    redis_cache.clear()  # database 15, the tests' own
    server = redis_cache._cache.get_client()
    cold, first = _queries(client, url)
    stored = server.keys("peertrack-test:*page:dashboard:*")
    assert len(stored) == 1  # stored in Redis, where every web server finds it
    warm, _again = _queries(client, url)
    assert warm < cold
    action.record_progress(rag="red", period=ReportingPeriod.current(), narrative="Stalled.", by=bob)
    assert _main(client.get(url).content) != first
    assert len(server.keys("peertrack-test:*page:dashboard:*")) == 2  # a new key; the old one is never read
    redis_cache.clear()


def test_no_cached_page_outlives_a_write_to_any_model_of_the_challenge():
    """Every model that belongs to a challenge (a foreign key path to one, or to its council) bumps it."""
    from django.apps import apps

    shown = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"recommendations", "reviews"}
        and not model.__name__.startswith("Historical")
        and model not in (PeerChallenge,)
    ]
    without_owner = [
        model.__name__
        for model in shown
        if not caching._owner_paths(model) and model.__name__ not in {"Council", "SubmissionKey"}
    ]
    assert without_owner == []
    assert ("action", "recommendation", "challenge") in caching._owner_paths(
        apps.get_model("recommendations", "ProgressUpdate")
    )
    assert ("challenge",) in caching._owner_paths(Recommendation)
    assert ("recommendation", "challenge") in caching._owner_paths(Action)


def test_search_results_are_cached_until_a_readable_challenge_changes(client, carol, challenge, action, bob):
    client.force_login(carol)
    url = reverse("search") + "?q=riverside"
    cold, first = _queries(client, url)
    warm, again = _queries(client, url)
    assert warm < cold and again == first
    assert "No progress update matches." in first
    action.record_progress(
        rag="amber", period=ReportingPeriod.current(), narrative="The riverside works began.", by=bob
    )
    _after, fresh = _queries(client, url)
    assert "The <mark>riverside</mark> works began." in fresh
