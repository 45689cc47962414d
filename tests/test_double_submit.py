"""A form sent twice (double click, retry after a timeout) is dealt with once: peertrack/idempotency.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peertrack import idempotency
from recommendations.forms import open_periods
from recommendations.models import Action, DueDateChange, ProgressUpdate, SignOffReturn, SubmissionKey
from tests import factories
from tests.reviews.review_fixtures import peers, review  # noqa: F401 - fixtures

KEY = re.compile(r'name="submission_key" value="([A-Za-z0-9_-]+)"')
REPEATED = "You sent this twice"


def key_of(html: str, action: str | None = None) -> str:
    """Returns the submission key of the form posting to `action` (or of the first keyed form)."""
    start = html.index(f'action="{action}"') if action else 0
    return KEY.search(html, start).group(1)


def progress_url(action: Action) -> str:
    return reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk])


def progress(key: str | None = None, **overrides: str) -> dict[str, str]:
    data = {"rag": "amber", "period": open_periods()[0].key, "narrative": "Consultation slipped."}
    if key is not None:
        data["submission_key"] = key
    return {**data, **overrides}


@pytest.fixture
def reported(recommendation, bob):
    return factories.make_action(recommendation=recommendation, reference="1.9", lead_officer=bob,
                                 status=Action.Status.AWAITING_SIGN_OFF)


def test_every_post_form_carries_a_submission_key():
    # The sign-in form has no user to keep keys for; signing out twice does no harm. The signed-out
    # forms of an invitation and a password reset have no user either: their one-time token is the
    # key (a second submission finds it used; tests/recommendations/test_people_invitations.py).
    exempt = {"registration/login.html": 1, "base.html": 1, "recommendations/people/accept.html": 1,
              "registration/password_reset_form.html": 1, "registration/password_reset_confirm.html": 1}
    missing = []
    count = 0
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        name = str(path.relative_to(Path(settings.BASE_DIR, "templates")))
        forms = re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(), re.S | re.I)
        posting = [form for form in forms if re.search(r'method="post"', form[:400], re.I)]
        without = [form for form in posting if "shared/submission_key.html" not in form]
        count += len(posting)
        if len(without) != exempt.get(name, 0):
            missing.append(f"{name}: {len(without)} POST form(s) without a key")
    assert missing == []
    assert count >= 26


def test_each_showing_of_a_form_gets_a_fresh_key(client, action, bob):
    client.force_login(bob)
    first = key_of(client.get(action.get_absolute_url()).content.decode(), progress_url(action))
    second = key_of(client.get(action.get_absolute_url()).content.decode(), progress_url(action))
    assert first != second
    assert len(first) >= 16


def test_a_double_clicked_progress_update_is_recorded_once(client, action, bob):
    client.force_login(bob)
    key = key_of(client.get(action.get_absolute_url()).content.decode(), progress_url(action))
    first = client.post(progress_url(action), progress(key))
    second = client.post(progress_url(action), progress(key))
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == action.get_absolute_url() + "#timeline"
    assert REPEATED in client.get(second.url).content.decode()


def test_an_htmx_repeat_is_sent_to_the_page_the_first_belongs_to(client, action, bob):
    client.force_login(bob)
    key = key_of(client.get(action.get_absolute_url()).content.decode(), progress_url(action))
    first = client.post(progress_url(action), progress(key), HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert "Your progress update has been saved." in first.content.decode()
    again = client.post(progress_url(action), progress(key), HTTP_HX_REQUEST="true")
    assert again["HX-Redirect"] == action.get_absolute_url() + "#timeline"
    plain = client.post(progress_url(action), progress(key))
    assert plain.status_code == 302
    assert plain.url == action.get_absolute_url() + "#timeline"
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    # The fragment that answered the first carries a new key for the next update.
    assert key_of(first.content.decode(), progress_url(action)) != key


def test_a_form_without_a_key_is_processed_as_before(client, action, bob):
    client.force_login(bob)
    client.post(progress_url(action), progress())
    client.post(progress_url(action), progress(submission_key="not a key!"))
    assert ProgressUpdate.objects.filter(action=action).count() == 2
    assert not SubmissionKey.objects.exists()


def test_a_submission_with_errors_is_forgotten_so_its_key_can_be_sent_again(client, action, bob):
    client.force_login(bob)
    refused = client.post(progress_url(action), progress("k" * 24, narrative=""))
    assert refused.status_code == 200
    assert not SubmissionKey.objects.exists()
    assert client.post(progress_url(action), progress("k" * 24)).status_code == 302
    assert ProgressUpdate.objects.filter(action=action).count() == 1


def test_a_forbidden_submission_remembers_nothing(client, action, carol, mallory):
    for user, status in ((carol, 403), (mallory, 404)):
        client.force_login(user)
        assert client.post(progress_url(action), progress("c" * 24)).status_code == status
    assert not SubmissionKey.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_keys_are_kept_per_user(client, action, alice, bob):
    for user in (alice, bob):
        client.force_login(user)
        assert client.post(progress_url(action), progress("s" * 24)).status_code == 302
    assert ProgressUpdate.objects.filter(action=action).count() == 2


def test_a_signed_out_post_with_a_key_keeps_nothing(client, action):
    assert "/sign-in/" in client.post(progress_url(action), progress("a" * 24)).url
    assert not SubmissionKey.objects.exists()


def test_a_repeated_sign_off_gets_the_first_outcome_not_an_error(client, reported, alice):
    client.force_login(alice)
    url = reverse("action_sign_off", args=[reported.recommendation.challenge.slug, reported.pk])
    key = key_of(client.get(reported.get_absolute_url()).content.decode(), url)
    client.post(url, {"submission_key": key})
    page = client.post(url, {"submission_key": key}, follow=True).content.decode()
    assert REPEATED in page
    assert "not awaiting sign-off" not in page
    assert reported.history.filter(status=Action.Status.COMPLETE).count() == 1


def test_a_repeated_return_keeps_one_reason(client, reported, alice):
    client.force_login(alice)
    url = reverse("action_return", args=[reported.recommendation.challenge.slug, reported.pk])
    key = key_of(client.get(url).content.decode(), url)
    for _ in range(2):
        assert client.post(url, {"reason": "Attach the minutes.", "submission_key": key}).status_code == 302
    assert SignOffReturn.objects.filter(action=reported).count() == 1


def test_a_repeated_new_action_is_added_once(client, recommendation, alice):
    client.force_login(alice)
    url = reverse("action_add", args=[recommendation.challenge.slug, recommendation.number])
    key = key_of(client.get(url).content.decode(), url)
    data = {"reference": "1.5", "description": "Publish the masterplan.", "due_date_day": "31",
            "due_date_month": "3", "due_date_year": "2025", "submission_key": key}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.url == first.url
    assert recommendation.actions.filter(reference="1.5").count() == 1


def test_a_repeated_edit_moves_the_due_date_once(client, action, alice):
    client.force_login(alice)
    url = reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk])
    key = key_of(client.get(url).content.decode(), url)
    data = {"version": action.version, "description": action.description,
            "lead_officer": action.lead_officer_id, "due_date_day": "31", "due_date_month": "12",
            "due_date_year": "2024", "reason": "Consultation extended.", "submission_key": key}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.url == first.url
    assert "Someone else changed this action" not in client.get(second.url).content.decode()
    assert DueDateChange.objects.filter(action=action).count() == 1


def test_a_repeated_theme_is_added_once(client, alice, review, recommendation):  # noqa: F811
    client.force_login(alice)
    url = review.get_absolute_url() + "themes/new/"
    key = key_of(client.get(url).content.decode())
    data = {"name": "Workforce", "recommendations": [recommendation.pk], "submission_key": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert review.themes.filter(name="Workforce").count() == 1


def test_a_key_older_than_a_day_is_forgotten(client, action, bob):
    client.force_login(bob)
    old = SubmissionKey.objects.create(user=bob, key="o" * 24, location="/elsewhere/",
                                       created_at=timezone.now() - dt.timedelta(hours=25))
    assert client.post(progress_url(action), progress("o" * 24)).url != "/elsewhere/"
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    assert not SubmissionKey.objects.filter(pk=old.pk).exists()


def test_a_repeat_while_the_first_is_still_running_waits_and_then_says_so(client, action, bob,
                                                                          monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT", 0.3)
    SubmissionKey.objects.create(user=bob, key="p" * 24)  # the first, still being processed
    client.force_login(bob)
    response = client.post(progress_url(action), progress("p" * 24))
    assert response.status_code == 409
    assert "The first one is still being dealt with" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_claim_left_by_a_request_that_died_is_taken_over(client, action, bob):
    SubmissionKey.objects.create(user=bob, key="d" * 24,
                                 created_at=timezone.now() - dt.timedelta(minutes=10))
    client.force_login(bob)
    assert client.post(progress_url(action), progress("d" * 24)).status_code == 302
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    assert SubmissionKey.objects.get(key="d" * 24).location.endswith("#timeline")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [False, True])
def test_the_same_form_sent_twice_at_once_is_recorded_once(action, bob, htmx, run_together):
    key = "t" * 24
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(bob)

    def send(index: int) -> Any:
        extra = {"HTTP_HX_REQUEST": "true"} if htmx and index else {}
        return clients[index].post(progress_url(action), progress(key), **extra)

    responses = run_together(send)
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    where = action.get_absolute_url() + "#timeline"
    for response in responses:
        # The winner answers as usual; the other waited for it and was sent to the same place.
        assert (response.get("Location") or response.get("HX-Redirect") or where) == where, response
        assert response.status_code in (200, 302)
