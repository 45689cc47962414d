"""A state change that loses a race writes nothing and says why: deterministic, on any database.

The threads in test_concurrency.py show the row lock on PostgreSQL. Here the other
writer's change is slipped in at the worst moment of `record_progress` (after it read
the status, before its status change), so the check of the guarded UPDATE's result is
exercised on SQLite too, one step at a time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.forms import open_periods
from recommendations.models import Action, InvalidTransition, ProgressUpdate
from recommendations.periods import ReportingPeriod
from tests import factories

SIGNED_OFF_AT = dt.datetime(2025, 3, 3, 14, 5, tzinfo=dt.UTC)


def progress_url(action: Action) -> str:
    return reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk])


def sign_off_url(action: Action) -> str:
    return reverse("action_sign_off", args=[action.recommendation.challenge.slug, action.pk])


def return_url(action: Action) -> str:
    return reverse("action_return", args=[action.recommendation.challenge.slug, action.pk])


def slip_in_before_the_update(monkeypatch, action: Action, **change) -> None:
    """Makes the next progress update find `change` written just after it read the status."""
    original = ProgressUpdate.save

    def save(update, *args, **kwargs):
        Action.objects.filter(pk=action.pk).update(**change)
        monkeypatch.setattr(ProgressUpdate, "save", original)
        return original(update, *args, **kwargs)

    monkeypatch.setattr(ProgressUpdate, "save", save)


def signed_off_by(user) -> dict:
    return {"status": Action.Status.COMPLETE, "signed_off_at": SIGNED_OFF_AT, "signed_off_by": user}


CLOSED = {"status": Action.Status.CLOSED}


@pytest.mark.parametrize(("status", "rag", "racing"), [
    (Action.Status.AWAITING_SIGN_OFF, "amber", "sign_off"),
    (Action.Status.AWAITING_SIGN_OFF, "green", "sign_off"),
    (Action.Status.IN_PROGRESS, "blue", "close"),
    (Action.Status.NOT_STARTED, "green", "close"),
])
def test_an_update_that_loses_a_race_is_refused_and_leaves_no_trace(
    monkeypatch, recommendation, alice, bob, status, rag, racing
):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob, status=status)
    history_before = action.history.count()
    slip_in_before_the_update(monkeypatch, action,
                              **(signed_off_by(alice) if racing == "sign_off" else CLOSED))

    with pytest.raises(InvalidTransition) as refusal:
        action.record_progress(rag=rag, period=ReportingPeriod.current(), narrative="Late.", by=bob)

    assert "your update was not recorded" in str(refusal.value)
    if racing == "sign_off":
        assert "signed off by Alice Coordinator at" in str(refusal.value)
    else:
        assert "closed" in str(refusal.value)
    # Rolled back as one: no update, no status change, no history row.
    assert not ProgressUpdate.objects.filter(action=action).exists()
    assert Action.objects.get(pk=action.pk).status == status
    assert action.history.count() == history_before


def test_the_officer_is_told_who_signed_off_and_when_and_nothing_is_saved(
    client, monkeypatch, recommendation, alice, bob
):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.AWAITING_SIGN_OFF)
    slip_in_before_the_update(monkeypatch, action, **signed_off_by(alice))
    client.force_login(bob)
    data = {"rag": "amber", "period": open_periods()[0].key, "narrative": "Not quite done."}

    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(progress_url(action), data, **htmx)
        html = response.content.decode()
        moment = timezone.localtime(SIGNED_OFF_AT)
        assert f"signed off by Alice Coordinator at {moment:%H:%M} on {moment:%-d %B %Y}" in html
        assert "your update was not recorded" in html
        assert "Not quite done." in html  # what they typed is kept on the form
        assert not ProgressUpdate.objects.filter(action=action).exists()
        slip_in_before_the_update(monkeypatch, action, **signed_off_by(alice))


def test_an_update_to_an_action_signed_off_earlier_names_who_signed_it_off(client, recommendation,
                                                                           alice, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   **signed_off_by(alice))
    client.force_login(bob)
    data = {"rag": "green", "period": open_periods()[0].key, "narrative": "More."}
    html = client.post(progress_url(action), data).content.decode()
    assert "This action was signed off by Alice Coordinator at" in html
    assert "takes no more updates; your update was not recorded" in html
    assert not action.updates.exists()


def test_a_second_sign_off_is_told_who_signed_off_first(client, recommendation, alice, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.AWAITING_SIGN_OFF)
    stale = Action.objects.get(pk=action.pk)
    action.sign_off(by=alice)
    first = Action.objects.get(pk=action.pk).signed_off_at

    with pytest.raises(InvalidTransition) as refusal:
        stale.sign_off(by=bob)
    assert "it was signed off by Alice Coordinator at" in str(refusal.value)
    assert "Nothing was changed" in str(refusal.value)
    stored = Action.objects.get(pk=action.pk)
    assert (stored.signed_off_at, stored.signed_off_by) == (first, alice)

    client.force_login(alice)
    page = client.post(sign_off_url(action), follow=True).content.decode()
    assert "it was signed off by Alice Coordinator at" in page


def test_a_sign_off_after_a_return_or_a_newer_update_is_refused_with_the_reason(recommendation,
                                                                                alice, bob):
    returned = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                     status=Action.Status.AWAITING_SIGN_OFF)
    stale = Action.objects.get(pk=returned.pk)
    returned.return_for_work(by=alice, reason="Attach the minutes.")
    with pytest.raises(InvalidTransition, match="it was returned, or a newer progress update"):
        stale.sign_off(by=alice)
    assert Action.objects.get(pk=returned.pk).status == Action.Status.IN_PROGRESS

    withdrawn = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                      status=Action.Status.AWAITING_SIGN_OFF)
    stale = Action.objects.get(pk=withdrawn.pk)
    withdrawn.record_progress(rag="amber", period=ReportingPeriod.current(),
                              narrative="One more thing to do.", by=bob)
    with pytest.raises(InvalidTransition):
        stale.return_for_work(by=alice, reason="Not done.")
    assert not withdrawn.sign_off_returns.exists()
    assert Action.objects.get(pk=withdrawn.pk).status == Action.Status.IN_PROGRESS


def test_a_return_after_a_sign_off_is_refused_and_keeps_no_reason(client, recommendation, alice, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.AWAITING_SIGN_OFF)
    stale = Action.objects.get(pk=action.pk)
    action.sign_off(by=alice)
    with pytest.raises(InvalidTransition, match="signed off by Alice Coordinator"):
        stale.return_for_work(by=alice, reason="Not yet.")
    assert not action.sign_off_returns.exists()
    assert Action.objects.get(pk=action.pk).status == Action.Status.COMPLETE
