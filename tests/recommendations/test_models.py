"""Invariants the database itself enforces, and the append-only progress updates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from recommendations import asof
from recommendations.models import Action, ProgressUpdate, Recommendation
from tests import factories
from tests.assertions import assert_append_only


@pytest.mark.django_db
def test_database_rejects_a_duplicate_recommendation_number(challenge, recommendation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(challenge=challenge, number=recommendation.number,
                                      title="Copy", text="Copy")


@pytest.mark.django_db
def test_the_same_number_is_fine_in_another_challenge(northtown, recommendation):
    other = factories.make_challenge(council=northtown, slug="northtown-2018")
    factories.make_recommendation(challenge=other, number=recommendation.number)


@pytest.mark.django_db
def test_database_rejects_an_invalid_rag(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(action=action, rag="purple", narrative="x",
                                      period_year=2024, period_quarter=1)


@pytest.mark.django_db
def test_database_rejects_a_quarter_outside_one_to_four(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(action=action, rag="green", narrative="x",
                                      period_year=2024, period_quarter=5)


@pytest.mark.django_db
def test_database_rejects_a_due_date_before_the_start_date(recommendation):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_action(recommendation=recommendation, start_date=dt.date(2024, 5, 1),
                              due_date=dt.date(2024, 4, 1))


@pytest.mark.django_db
def test_database_rejects_onsite_dates_out_of_order(northtown):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_challenge(council=northtown, onsite_start=dt.date(2024, 1, 18),
                                 onsite_end=dt.date(2024, 1, 15))


@pytest.mark.django_db
def test_database_rejects_a_complete_action_without_sign_off(recommendation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(recommendation=recommendation, reference="1.9", description="x",
                              status=Action.Status.COMPLETE)


@pytest.mark.django_db
def test_database_rejects_not_accepted_without_reasons(challenge):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(challenge=challenge, number=7, title="t", text="t",
                                      response=Recommendation.Response.NOT_ACCEPTED)


@pytest.mark.django_db
def test_progress_updates_cannot_be_edited_or_deleted(action):
    update = factories.make_update(action=action)
    assert_append_only(update, change={"narrative": "Rewritten"})
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "Progress made."


@pytest.mark.django_db
def test_record_progress_appends_and_starts_a_not_started_action(recommendation, bob):
    from recommendations.periods import ReportingPeriod

    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.NOT_STARTED)
    first = action.record_progress(rag="amber", period=ReportingPeriod(2024, 2),
                                   narrative="Started.", by=bob)
    second = action.record_progress(rag="green", period=ReportingPeriod(2024, 2),
                                    narrative="Correction: on track.", by=bob)
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert list(action.updates.all()) == [second, first]
    assert asof.actions_as_at(Action.objects.filter(pk=action.pk))[0].latest_rag == "green"
