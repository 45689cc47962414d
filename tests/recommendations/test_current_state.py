"""The kept current state of an action (ADR 0026): written with every update, equal to a full
recomputation, read by today's plan, checked and repaired by `verify_current_state`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from recommendations import asof
from recommendations.models import Action, ProgressUpdate
from recommendations.periods import ReportingPeriod
from tests import factories


def _picture(action: Action, *, kept: bool) -> dict:
    """Today's picture of one action: from the kept columns, or folded from every update."""
    day = timezone.localdate()
    queryset = Action.objects.filter(pk=action.pk).select_related("recommendation__challenge", "lead_officer")
    if kept:
        then = asof.actions_as_at(queryset, day)[0]
    else:
        then = asof.plan_as_at(action.recommendation.challenge, day, timeline=True).action(action.pk)
    return {
        name: getattr(then, name)
        for name in (
            "status",
            "rating",
            "latest_rag",
            "last_update_at",
            "latest_period",
            "updated_this_period",
            "rating_before_claim",
            "returned",
            "overdue",
            "needs_update",
        )
    }


@pytest.mark.django_db
def test_every_workflow_keeps_the_state_equal_to_a_full_recomputation(action, bob, carol):
    period = ReportingPeriod.current()
    assert Action.objects.all().current_state_mismatches() == {}
    action.record_progress(rag="amber", period=period, narrative="Started.", by=bob)
    action.record_progress(rag="blue", period=period, narrative="Done.", by=bob)
    action.refresh_from_db()
    assert (action.latest_update_rag, action.rating_before_claim) == ("blue", "amber")
    assert _picture(action, kept=True)["rating"] == "green"  # reported complete counts Green
    action.return_for_work(by=carol, reason="Evidence missing.")
    assert _picture(action, kept=True) == _picture(action, kept=False)
    assert _picture(action, kept=True)["rating"] == "amber"  # returned: the rating before the claim
    action.record_progress(rag="blue", period=period, narrative="Evidence added.", by=bob)
    action.sign_off(by=carol)
    assert _picture(action, kept=True)["rating"] == "blue"
    assert _picture(action, kept=True) == _picture(action, kept=False)
    assert Action.objects.all().current_state_mismatches() == {}


@pytest.mark.django_db
def test_a_backdated_update_does_not_become_the_latest(action, bob):
    now = timezone.now()
    factories.make_update(action=action, rag="red", created_at=now - dt.timedelta(days=1))
    factories.make_update(action=action, rag="green", created_at=now - dt.timedelta(days=400))
    action.refresh_from_db()
    assert action.latest_update_rag == "red"
    assert action.latest_update.rag == "red"
    assert _picture(action, kept=True) == _picture(action, kept=False)


@pytest.mark.django_db
def test_an_update_for_a_later_period_still_says_whether_this_period_has_one(action, bob):
    later = ReportingPeriod.current().next()
    ProgressUpdate.objects.create(
        action=action, rag="amber", narrative="Ahead.", period_year=later.year, period_quarter=later.quarter
    )
    action.refresh_from_db()
    assert action.reported_up_to == asof.period_key(later.year, later.quarter)
    assert _picture(action, kept=True)["updated_this_period"] is False
    assert _picture(action, kept=True) == _picture(action, kept=False)


@pytest.mark.django_db
def test_closing_an_action_leaves_it_out_as_the_recomputation_does(action, bob, carol):
    action.record_progress(rag="red", period=ReportingPeriod.current(), narrative="Stuck.", by=bob)
    action.close(by=carol, reason="Superseded by 1.2.")
    assert _picture(action, kept=True) == _picture(action, kept=False)
    plan = asof.plan_as_at(action.recommendation.challenge)
    assert (
        plan.recommendations[0].rating
        == asof.plan_as_at(action.recommendation.challenge, timeline=True).recommendations[0].rating
    )


@pytest.mark.django_db
def test_todays_plan_reads_no_updates(action, bob, django_assert_num_queries):
    for rag in ("green", "amber", "red"):
        action.record_progress(rag=rag, period=ReportingPeriod.current(), narrative=rag, by=bob)
    challenge = action.recommendation.challenge
    with django_assert_num_queries(2):  # recommendations, actions: no updates
        plan = asof.plan_as_at(challenge)
    assert plan.action(action.pk).rating == "red"


@pytest.mark.django_db
def test_verify_current_state_reports_and_fixes_a_stale_action(action, bob, capsys):
    factories.make_update(action=action, rag="amber")
    call_command("verify_current_state")
    assert "matches" in capsys.readouterr().out
    Action.objects.filter(pk=action.pk).update(latest_update_rag="red", rating_before_claim="")
    with pytest.raises(CommandError, match="1 of 1 actions"):
        call_command("verify_current_state")
    assert "latest_update_rag kept 'red', recomputed 'amber'" in capsys.readouterr().out
    challenge = action.recommendation.challenge
    version = type(challenge).objects.get(pk=challenge.pk).cache_version
    call_command("verify_current_state", "--fix")
    assert Action.objects.all().current_state_mismatches() == {}
    action.refresh_from_db()
    assert action.latest_update_rag == "amber"
    # The fix is a bulk write: it moves the challenge's cache version on, so no page cached from
    # the wrong values is served again.
    assert type(challenge).objects.get(pk=challenge.pk).cache_version != version
