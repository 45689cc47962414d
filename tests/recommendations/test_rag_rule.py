"""The derived recommendation RAG: the SQL annotation agrees with the stated rule everywhere."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from recommendations import asof
from recommendations.models import Action, Recommendation
from recommendations.rag import NOT_RATED, Rag, derive_recommendation_rag
from tests import factories

STATUSES = [choice.value for choice in Action.Status]
RATINGS: list[str | None] = [None, *[choice.value for choice in Rag]]
ACTION_STATES = list(itertools.product(STATUSES, RATINGS))


def _build(challenge, number: int, states) -> Recommendation:
    recommendation = factories.make_recommendation(challenge=challenge, number=number)
    for index, (status, rating) in enumerate(states, start=1):
        action = factories.make_action(recommendation=recommendation, reference=f"{number}.{index}",
                                       status=status)
        if rating is not None:
            # An older, different rating first: only the latest update may count.
            older = Rag.RED if rating != Rag.RED else Rag.GREEN
            factories.make_update(action=action, rag=older,
                                  created_at=timezone.now() - dt.timedelta(days=30))
            factories.make_update(action=action, rag=rating)
    return recommendation


@pytest.mark.django_db
def test_derived_rag_follows_the_rule_for_every_combination_of_up_to_two_action_states(challenge):
    combinations = [()]
    combinations += [(state,) for state in ACTION_STATES]
    combinations += list(itertools.combinations_with_replacement(ACTION_STATES, 2))
    expected = {}
    for number, states in enumerate(combinations, start=1):
        _build(challenge, number, states)
        expected[number] = derive_recommendation_rag(states)

    derived = {item.recommendation.number: item.rating for item in asof.plan_as_at(challenge).recommendations}

    assert len(derived) == len(combinations) == 1 + 25 + 325
    mismatches = {n: (derived[n], expected[n], combinations[n - 1])
                  for n in expected if derived[n] != expected[n]}
    assert mismatches == {}


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], NOT_RATED),
        ([("in_progress", None)], NOT_RATED),
        ([("in_progress", "green"), ("in_progress", "amber")], Rag.AMBER),
        ([("in_progress", "amber"), ("not_started", "red")], Rag.RED),
        ([("in_progress", "green"), ("in_progress", None)], Rag.GREEN),
        ([("awaiting_sign_off", "blue")], Rag.GREEN),
        ([("complete", "blue"), ("complete", None)], Rag.BLUE),
        ([("complete", "blue"), ("in_progress", "green")], Rag.GREEN),
        ([("complete", "blue"), ("closed", "red")], Rag.BLUE),
        ([("closed", "red")], NOT_RATED),
    ],
)
def test_rule_examples_as_stated_on_screen(states, expected):
    assert derive_recommendation_rag(states) == expected


@pytest.mark.django_db
def test_as_of_counts_only_updates_and_sign_offs_made_by_that_date(challenge):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    june = timezone.make_aware(dt.datetime(2024, 6, 10, 12))
    october = timezone.make_aware(dt.datetime(2024, 10, 10, 12))
    first = factories.make_action(recommendation=recommendation, reference="1.1",
                                  created_at=june - dt.timedelta(days=60))
    factories.make_update(action=first, rag="amber", created_at=june)
    factories.make_update(action=first, rag="green", created_at=october)
    second = factories.make_action(recommendation=recommendation, reference="1.2",
                                   created_at=june - dt.timedelta(days=60),
                                   status=Action.Status.COMPLETE, signed_off_at=october)
    factories.make_update(action=second, rag="red", created_at=june)

    def rag_on(day):
        return asof.recommendation_ratings(Recommendation.objects.filter(pk=recommendation.pk), day)[recommendation.pk]

    assert rag_on(dt.date(2024, 5, 1)) == NOT_RATED
    assert rag_on(dt.date(2024, 6, 30)) == Rag.RED  # the second action was still open then
    assert rag_on(dt.date(2024, 11, 1)) == Rag.GREEN
    assert asof.plan_as_at(challenge).ratings()[recommendation.pk] == Rag.GREEN
