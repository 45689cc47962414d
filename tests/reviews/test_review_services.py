"""The progress review rules: dates, the pre-filled statement, approval and its freeze, follow-up actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from recommendations.models import Action, ProgressUpdate
from reviews.models import PositionStatement, ProgressReview, StatementEvidence, months_after
from reviews.progress import services
from tests import factories
from tests.factories import make_review


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2024, 1, 18), 10, dt.date(2024, 11, 18)),
    (dt.date(2023, 8, 31), 10, dt.date(2024, 6, 30)),
    (dt.date(2023, 4, 30), 10, dt.date(2024, 2, 29)),
    (dt.date(2024, 4, 30), 10, dt.date(2025, 2, 28)),
    (dt.date(2018, 10, 12), 12, dt.date(2019, 10, 12)),
    (dt.date(2024, 3, 15), 0, dt.date(2024, 3, 15)),
])
def test_months_after_counts_calendar_months_and_clamps_the_day(day, months, expected):
    assert months_after(day, months) == expected


def test_suggested_review_date_is_ten_months_after_the_last_day_on_site(challenge):
    assert challenge.onsite_end == dt.date(2024, 1, 18)
    assert ProgressReview.suggested_date(challenge) == dt.date(2024, 11, 18)


def test_suggested_date_clamps_to_the_end_of_a_shorter_month(northtown):
    challenge = factories.make_challenge(council=northtown, onsite_start=dt.date(2023, 8, 28),
                                         onsite_end=dt.date(2023, 8, 31))
    assert ProgressReview.suggested_date(challenge) == dt.date(2024, 6, 30)


def test_report_deadline_is_met_due_or_missed(challenge):
    review = make_review(challenge=challenge)
    assert review.report_deadline == dt.date(2025, 1, 18)
    assert review.report_deadline_status(today=dt.date(2025, 1, 18)) == "due"
    assert review.report_deadline_status(today=dt.date(2025, 1, 19)) == "missed"
    review.report_published_on = dt.date(2025, 1, 18)
    assert review.report_deadline_status(today=dt.date(2026, 1, 1)) == "met"
    review.report_published_on = dt.date(2025, 1, 19)
    assert review.report_deadline_status(today=dt.date(2026, 1, 1)) == "missed"


def test_scheduling_a_review_records_peers_and_drafts_every_paragraph(challenge, recommendation, peers, alice):
    second = factories.make_recommendation(challenge=challenge, number=2, title="Finance")
    review = services.schedule_review(challenge=challenge, review_date=dt.date(2024, 11, 18),
                                      peers=[peers[1]], by=alice)
    assert list(review.returning_peers.all()) == [peers[1]]
    texts = dict(review.position_statements.values_list("recommendation", "text"))
    assert set(texts) == {recommendation.pk, second.pk}
    assert all(text.strip() for text in texts.values())
    assert review.history.first().history_user == alice


def test_a_review_cannot_be_scheduled_before_the_challenge_ends(challenge, alice):
    with pytest.raises(ValidationError) as error:
        services.schedule_review(challenge=challenge, review_date=dt.date(2024, 1, 18), peers=[], by=alice)
    assert "after the last day on site" in str(error.value)
    assert not ProgressReview.objects.exists()


def test_returning_peers_must_come_from_the_challenges_peer_team(challenge, northtown, alice):
    other = factories.make_challenge(council=northtown)
    stranger = other.peer_team.create(name="Someone Else")
    with pytest.raises(ValidationError):
        services.schedule_review(challenge=challenge, review_date=dt.date(2024, 11, 18), peers=[stranger],
                                 by=alice)
    assert not ProgressReview.objects.exists()


def test_prefill_uses_the_latest_update_of_each_action_not_an_older_one(review, recommendation, action, bob, alice):
    now = timezone.now()
    factories.make_update(action=action, rag="red", author=bob, created_at=now - dt.timedelta(days=90),
                          narrative="OLDER: partners have not yet been engaged.")
    factories.make_update(action=action, rag="green", author=bob, created_at=now - dt.timedelta(days=2),
                          narrative="LATEST: the vision has gone to Cabinet.", next_steps="Consult residents.")
    written = services.prefill_statement(review=review, by=alice, replace=True)
    text = PositionStatement.objects.get(review=review, recommendation=recommendation).text
    assert written == 1
    assert "LATEST: the vision has gone to Cabinet." in text
    assert "Green" in text
    assert "Next steps: Consult residents." in text
    assert "OLDER" not in text


def test_prefill_picks_the_latest_update_by_time_even_when_it_reports_an_earlier_period(review, recommendation,
                                                                                       action, bob, alice):
    now = timezone.now()
    factories.make_update(action=action, rag="amber", author=bob, created_at=now - dt.timedelta(days=30),
                          narrative="First report.")
    # A late report for the previous quarter is still the latest thing said about the action.
    ProgressUpdate.objects.create(action=action, rag="green", author=bob, created_at=now - dt.timedelta(days=1),
                                  narrative="Correction filed today.", period_year=2023, period_quarter=1)
    services.prefill_statement(review=review, by=alice, replace=True)
    text = PositionStatement.objects.get(review=review, recommendation=recommendation).text
    assert "Correction filed today." in text
    assert "First report." not in text


def test_prefill_keeps_a_paragraph_the_coordinator_wrote_unless_asked_to_replace(review, recommendation, action,
                                                                                  bob, alice):
    factories.make_update(action=action, rag="green", author=bob, narrative="Officer's words.")
    assert services.prefill_statement(review=review, by=alice) == 0
    statement = PositionStatement.objects.get(review=review, recommendation=recommendation)
    assert statement.text == "The masterplan is being drafted with partners."
    assert services.prefill_statement(review=review, by=alice, replace=True) == 1
    statement.refresh_from_db()
    assert "Officer's words." in statement.text


def test_prefill_says_when_an_action_has_no_update_yet(review, recommendation, action, alice):
    services.prefill_statement(review=review, by=alice, replace=True)
    text = PositionStatement.objects.get(review=review, recommendation=recommendation).text
    assert f"Action {action.reference}" in text
    assert "no progress has been reported yet" in text


def test_approval_records_who_and_when_and_freezes_the_text(review, recommendation, alice):
    before = timezone.now()
    services.approve_statement(review=review, by=alice)
    review.refresh_from_db()
    assert review.statement_status == ProgressReview.StatementStatus.APPROVED
    assert review.statement_approved_by == alice
    assert before <= review.statement_approved_at <= timezone.now()
    assert review.statement_as_approved["entries"][0]["text"] == "The masterplan is being drafted with partners."

    with pytest.raises(services.StatementFrozen) as error:
        services.save_statement(review=review, introduction="New", paragraphs={recommendation.pk: "Changed"},
                                by=alice)
    assert "was approved on" in str(error.value)
    assert "can no longer be changed" in str(error.value)
    with pytest.raises(services.StatementFrozen):
        services.prefill_statement(review=review, by=alice, replace=True)
    with pytest.raises(services.StatementFrozen):
        services.add_evidence(review=review, title="Plan", url="https://example.org/plan.pdf",
                              recommendation=None, by=alice)
    with pytest.raises(services.StatementFrozen):
        services.approve_statement(review=review, by=alice)
    assert PositionStatement.objects.get(review=review).text == "The masterplan is being drafted with partners."
    assert not StatementEvidence.objects.exists()


def test_the_approved_statement_is_what_is_shown_even_if_a_row_changes_behind_its_back(review, recommendation,
                                                                                       alice):
    services.approve_statement(review=review, by=alice)
    # For example an edit in the Django admin: the approved copy is still the record.
    PositionStatement.objects.filter(review=review).update(text="Rewritten after approval")
    review.refresh_from_db()
    content = services.statement_content(review)
    assert content["entries"][0]["text"] == "The masterplan is being drafted with partners."


def test_approval_is_refused_while_a_recommendation_has_no_paragraph(review, challenge, alice):
    factories.make_recommendation(challenge=challenge, number=2, title="Finance")
    with pytest.raises(ValidationError) as error:
        services.approve_statement(review=review, by=alice)
    assert "recommendation 2 has none yet" in str(error.value)
    review.refresh_from_db()
    assert review.statement_status == "draft"
    assert review.statement_approved_at is None


def test_saving_the_statement_drops_the_demo_label_of_changed_paragraphs(review, recommendation, alice):
    PositionStatement.objects.filter(review=review).update(is_demo=True)
    changed = services.save_statement(review=review, introduction="Our overview.",
                                      paragraphs={recommendation.pk: "The council's own words."}, by=alice)
    statement = PositionStatement.objects.get(review=review)
    assert changed == [recommendation.pk]
    assert statement.text == "The council's own words."
    assert statement.is_demo is False
    assert statement.history.first().history_user == alice


def test_a_follow_up_action_joins_the_plan_labelled_as_arising_from_the_review(theme, recommendation, action,
                                                                               bob, alice):
    added = services.add_follow_up_action(
        theme=theme, recommendation=recommendation, description="Test the masterplan with residents.",
        lead_officer=bob, due_date=timezone.localdate() + dt.timedelta(days=90), by=alice)
    assert added.origin == Action.Origin.PROGRESS_REVIEW
    assert added.get_origin_display() == "Arising from the progress review"
    assert added.reference == "1.2"
    assert added.status == Action.Status.NOT_STARTED
    assert list(theme.follow_up_actions.all()) == [added]
    assert added in Action.objects.visible_to(bob).for_lead_officer(bob).exclude(status__in=["complete", "closed"])
    assert added.history.first().history_user == alice


def test_a_follow_up_action_must_answer_one_of_the_themes_recommendations(theme, challenge, alice):
    other = factories.make_recommendation(challenge=challenge, number=2, title="Finance")
    with pytest.raises(ValidationError):
        services.add_follow_up_action(theme=theme, recommendation=other, description="Something",
                                      lead_officer=None, due_date=None, by=alice)
    assert not Action.objects.filter(origin=Action.Origin.PROGRESS_REVIEW).exists()


def test_a_follow_up_actions_lead_officer_must_belong_to_the_council(theme, recommendation, mallory, alice):
    with pytest.raises(ValidationError):
        services.add_follow_up_action(theme=theme, recommendation=recommendation, description="Something",
                                      lead_officer=mallory, due_date=None, by=alice)
    assert not Action.objects.filter(origin=Action.Origin.PROGRESS_REVIEW).exists()
