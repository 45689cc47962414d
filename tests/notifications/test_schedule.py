"""The daily run: due in 14 days, overdue, no update by the deadline (weekly, then escalated), lead
officers named without a signal, and on the first run of a week the summaries. Who gets each, when,
once only, and nothing for archived challenges or finished actions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications import schedule
from notifications.kinds import Delivery, Kind
from notifications.models import CouncilNotificationSettings, Notification, WeeklyRun
from recommendations.models import Action, Membership
from recommendations.periods import ReportingPeriod
from tests import factories
from tests.notifications.conftest import choose, next_deadline, notes, sent_to

TODAY = timezone.localdate()
# A Monday still to come: its run is the first of its week.
MONDAY = TODAY + dt.timedelta(days=7 - TODAY.weekday())


def run(council, day):
    return schedule.run(council_id=council.pk, day=day)


def _action(recommendation, lead, due, **extra):
    return factories.make_action(recommendation=recommendation, lead_officer=lead, due_date=due, **extra)


# --- due in 14 days, overdue -------------------------------------------------------------------


def test_an_action_due_within_14_days_is_told_once_per_due_date(people, northtown, recommendation):
    bob = people["bob"]
    action = _action(recommendation, bob, TODAY + dt.timedelta(days=10))
    _action(recommendation, bob, TODAY + dt.timedelta(days=20))  # not yet
    run(northtown, TODAY)
    run(northtown, TODAY + dt.timedelta(days=1))
    [note] = notes(bob, Kind.DUE_SOON)
    assert note.title == f"Action {action.reference} (Corporate Peer Challenge 2024) is due in 10 days"
    assert note.occasion == f"due:{action.due_date}"
    Action.objects.filter(pk=action.pk).update(due_date=TODAY + dt.timedelta(days=12))
    run(northtown, TODAY + dt.timedelta(days=2))
    assert len(notes(bob, Kind.DUE_SOON)) == 2  # a new due date is a new occasion


def test_an_overdue_action_is_told_once(people, northtown, recommendation):
    bob = people["bob"]
    action = _action(recommendation, bob, TODAY - dt.timedelta(days=1))
    for day in range(3):
        run(northtown, TODAY + dt.timedelta(days=day))
    [note] = notes(bob, Kind.OVERDUE)
    assert note.title == f"Action {action.reference} (Corporate Peer Challenge 2024) is overdue"
    assert f"was due on {action.due_date:%-d %B %Y}" in note.body
    assert notes(bob, Kind.DUE_SOON) == []
    assert len([m for m in sent_to(bob) if note.title in m.body]) == 1


def test_finished_or_waiting_actions_and_archived_challenges_produce_nothing(people, northtown, challenge,
                                                                           recommendation):
    bob = people["bob"]
    late = TODAY - dt.timedelta(days=5)
    for status in (Action.Status.AWAITING_SIGN_OFF, Action.Status.CLOSED, Action.Status.COMPLETE):
        _action(recommendation, bob, late, status=status)
    run(northtown, TODAY)
    assert notes(bob, Kind.OVERDUE) == [] and notes(bob, Kind.DUE_SOON) == []
    _action(recommendation, bob, late)
    challenge.archive(by=people["alice"])
    Notification.objects.all().delete()
    run(northtown, TODAY + dt.timedelta(days=1))
    assert notes(bob) == []


def test_an_officer_who_left_the_council_is_not_told(people, northtown, recommendation):
    bob = people["bob"]
    _action(recommendation, bob, TODAY - dt.timedelta(days=1))
    Membership.objects.filter(user=bob).update(expires_on=TODAY - dt.timedelta(days=1))
    run(northtown, TODAY)
    assert notes(bob) == []


def test_due_soon_can_be_turned_off_and_overdue_cannot(people, northtown, recommendation):
    bob = people["bob"]
    choose(bob, Kind.DUE_SOON, Delivery.OFF)
    choose(bob, Kind.OVERDUE, Delivery.OFF)
    _action(recommendation, bob, TODAY + dt.timedelta(days=3))
    _action(recommendation, bob, TODAY - dt.timedelta(days=3))
    run(northtown, TODAY)
    assert notes(bob, Kind.DUE_SOON) == []
    assert len(notes(bob, Kind.OVERDUE)) == 1


# --- no update by the reporting deadline ---------------------------------------------------------


def _no_update_days(council, officer, coordinator, days):
    """Runs each day in turn; returns the days a reminder and the days an escalation was made."""
    reminded, escalated = [], []
    for day in days:
        before = (len(notes(officer, Kind.NO_UPDATE)), len(notes(coordinator, Kind.ESCALATION)))
        run(council, day)
        if len(notes(officer, Kind.NO_UPDATE)) > before[0]:
            reminded.append(day)
        if len(notes(coordinator, Kind.ESCALATION)) > before[1]:
            escalated.append(day)
    return reminded, escalated


def test_no_update_by_the_deadline_is_reminded_weekly_then_escalated_after_three_weeks(people, northtown,
                                                                                     recommendation):
    bob, alice = people["bob"], people["alice"]
    deadline = next_deadline()
    period = ReportingPeriod.for_date(deadline)
    missing = _action(recommendation, bob, deadline + dt.timedelta(days=200))
    updated = _action(recommendation, bob, deadline + dt.timedelta(days=200))
    updated.record_progress(rag="green", period=period, narrative="On track.", by=bob)
    days = [deadline + dt.timedelta(days=n) for n in range(1, 30)]
    reminded, escalated = _no_update_days(northtown, bob, alice, days)
    weeks = sorted({day.isocalendar()[:2] for day in days})
    assert [day.isocalendar()[:2] for day in reminded] == weeks  # the first run of each ISO week
    assert reminded[0] == deadline + dt.timedelta(days=1)
    assert escalated == [deadline + dt.timedelta(days=22)]  # more than 3 weeks after the deadline
    first = notes(bob, Kind.NO_UPDATE)[0]
    assert first.title == f"1 action you lead has no update for {period}"
    assert missing.reference in first.body and updated.reference not in first.body
    assert f"The deadline for progress updates for {period} was {deadline:%-d %B %Y}" in first.body
    [escalation] = notes(alice, Kind.ESCALATION)
    assert escalation.title == f"1 action still has no update for {period}, 3 weeks after the deadline"
    assert f"{missing.reference} (Corporate Peer Challenge 2024), Bob Lead" in escalation.body
    assert notes(people["olive"]) == [] and notes(people["carol"]) == []


def test_the_council_chooses_after_how_many_weeks_coordinators_are_told(people, northtown, recommendation):
    CouncilNotificationSettings.objects.create(council=northtown, escalate_after_weeks=1)
    deadline = next_deadline()
    _action(recommendation, people["bob"], None)
    days = [deadline + dt.timedelta(days=n) for n in range(1, 12)]
    _reminded, escalated = _no_update_days(northtown, people["bob"], people["alice"], days)
    assert escalated == [deadline + dt.timedelta(days=8)]


def test_reminders_stop_once_an_update_is_recorded(people, northtown, recommendation):
    bob, alice = people["bob"], people["alice"]
    deadline = next_deadline()
    action = _action(recommendation, bob, None)
    run(northtown, deadline + dt.timedelta(days=1))
    assert len(notes(bob, Kind.NO_UPDATE)) == 1
    late = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=3), dt.time(10)))
    factories.make_update(action=action, author=bob, created_at=late)
    reminded, escalated = _no_update_days(northtown, bob, alice,
                                          [deadline + dt.timedelta(days=n) for n in range(4, 40)])
    assert reminded == [] and escalated == []


def test_an_action_reported_complete_before_the_deadline_is_not_chased(people, northtown, recommendation):
    bob = people["bob"]
    deadline = next_deadline()
    action = _action(recommendation, bob, None)
    action.record_progress(rag="blue", period=ReportingPeriod.for_date(deadline), narrative="Done.", by=bob)
    run(northtown, deadline + dt.timedelta(days=30))
    assert notes(bob, Kind.NO_UPDATE) == [] and notes(people["alice"], Kind.ESCALATION) == []


# --- lead officers named without a signal ---------------------------------------------------------


def test_a_lead_officer_named_on_the_edit_page_is_told_by_the_next_run(people, northtown, recommendation):
    bob, olive, alice = people["bob"], people["olive"], people["alice"]
    action = _action(recommendation, bob, TODAY + dt.timedelta(days=100))
    action.edit(expected_version=action.version, by=alice, lead_officer=olive)
    run(northtown, TODAY)
    run(northtown, TODAY + dt.timedelta(days=1))
    [note] = notes(olive, Kind.LEAD_OFFICER)
    assert note.action == action
    assert notes(bob, Kind.LEAD_OFFICER) == []  # no longer its lead when the run came
    action.refresh_from_db()
    action.edit(expected_version=action.version, by=alice, lead_officer=alice)  # she names herself
    run(northtown, TODAY + dt.timedelta(days=2))
    assert notes(alice, Kind.LEAD_OFFICER) == []


# --- the weekly summaries ------------------------------------------------------------------------


def test_coordinators_get_a_weekly_summary_of_needs_your_attention(people, northtown, recommendation):
    bob, alice = people["bob"], people["alice"]
    waiting = _action(recommendation, bob, MONDAY + dt.timedelta(days=100))
    waiting.record_progress(rag="blue", period=ReportingPeriod.current(), narrative="Done.", by=bob)
    late = _action(recommendation, bob, TODAY - dt.timedelta(days=2))
    run(northtown, MONDAY)
    [note] = notes(alice, Kind.INBOX_DIGEST)
    assert note.title.startswith("Needs your attention in Northtown Council: 1 awaiting your sign-off, "
                                 "1 overdue")
    assert (f"Awaiting your sign-off (1):\n- {waiting.reference} (Corporate Peer Challenge 2024): "
            "reported complete by Bob Lead") in note.body
    assert f"Overdue (1):\n- {late.reference} (Corporate Peer Challenge 2024): was due on" in note.body
    assert note.url == "/inbox/"
    run(northtown, MONDAY + dt.timedelta(days=1))
    assert len(notes(alice, Kind.INBOX_DIGEST)) == 1  # once a week
    run(northtown, MONDAY + dt.timedelta(days=7))
    assert len(notes(alice, Kind.INBOX_DIGEST)) == 2
    assert notes(bob, Kind.INBOX_DIGEST) == []


def test_an_empty_inbox_sends_no_summary(people, northtown):
    run(northtown, MONDAY)
    assert notes(people["alice"]) == []
    assert WeeklyRun.objects.filter(council=northtown).count() == 1


def test_a_weekly_summary_email_holds_what_was_kept_for_it_and_goes_once_a_week(people, northtown, recommendation):
    bob = people["bob"]
    choose(bob, Kind.DUE_SOON, Delivery.DIGEST)
    choose(bob, Kind.LEAD_OFFICER, Delivery.DIGEST)
    first = _action(recommendation, bob, MONDAY + dt.timedelta(days=5))
    run(northtown, MONDAY)  # the first run of the week: made, then summarised
    [summary] = sent_to(bob)
    assert summary.subject == "Your weekly summary: 2 notifications"
    assert f"Action {first.reference} (Corporate Peer Challenge 2024) is due in 5 days" in summary.body
    assert f"You are the lead officer for action {first.reference}" in summary.body
    assert "This is your weekly summary" in summary.body
    html, mimetype = summary.alternatives[0]
    assert mimetype == "text/html" and first.get_absolute_url() in html
    assert all(note.emailed_at is not None for note in notes(bob))

    second = _action(recommendation, bob, MONDAY + dt.timedelta(days=8))
    run(northtown, MONDAY + dt.timedelta(days=1))  # later in the week: kept for next week
    assert len(sent_to(bob)) == 1
    assert [note.emailed_at for note in notes(bob) if note.action == second] == [None, None]
    run(northtown, MONDAY + dt.timedelta(days=7))  # (the first action is overdue by now: emailed at once)
    summaries = [message for message in sent_to(bob) if message.subject.startswith("Your weekly summary")]
    assert len(summaries) == 2
    later = summaries[1]
    assert later.subject == "Your weekly summary: 2 notifications"
    assert f"Action {second.reference} (Corporate Peer Challenge 2024) is due in" in later.body
    assert f"{first.reference} (" not in later.body


def test_immediate_notifications_of_one_run_go_in_one_email(people, northtown, recommendation):
    bob = people["bob"]
    for days in (3, 4):
        _action(recommendation, bob, TODAY + dt.timedelta(days=days))
    run(northtown, TODAY)
    [email] = sent_to(bob)  # two lead officer notices and two due soon: one email
    assert email.subject == "4 new notifications about your peer challenge action plans"
    assert "You have 4 new notifications about Northtown Council." in email.body


def test_running_twice_tells_nobody_anything_twice(people, northtown, recommendation):
    _action(recommendation, people["bob"], TODAY - dt.timedelta(days=1))
    first = run(northtown, TODAY)
    count, emails = Notification.objects.count(), len(mail.outbox)
    second = run(northtown, TODAY)
    assert Notification.objects.count() == count and len(mail.outbox) == emails
    # Bob's email (lead officer, overdue) and Alice's summary of Needs your attention; the second run is
    # not the week's first, so it makes no summary, and finds the rest made already.
    assert (first.emails, first.wanted, first.weekly) == (2, 3, True)
    assert (second.emails, second.wanted, second.weekly) == (0, 2, False)


# --- the command ---------------------------------------------------------------------------------


def test_the_command_queues_each_councils_run(people, northtown, southport, recommendation):
    _action(recommendation, people["bob"], TODAY - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("send_notifications", "--today", TODAY.isoformat(), stdout=out)
    assert f"Queued the notifications of {TODAY:%-d %B %Y} for 2 councils." in out.getvalue()
    assert len(notes(people["bob"], Kind.OVERDUE)) == 1
    call_command("send_notifications", "--council", "northtown", stdout=out)
    assert len(notes(people["bob"], Kind.OVERDUE)) == 1


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--today", "22/11/2024", "--today must be a date like 2024-11-22"),
    ("--council", "nowhere", "There is no council with the slug 'nowhere'."),
])
def test_the_command_refuses_bad_options_in_plain_words(db, option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_notifications", option, value, stdout=io.StringIO())


# --- the demo data ---------------------------------------------------------------------------------


def test_on_the_demo_data_officers_hear_of_what_the_plan_shows_overdue_and_nothing_archived(db):
    from django.test import override_settings

    from recommendations.demo import load_demo

    with override_settings(DEBUG=True):
        load_demo(with_logins=False)
    call_command("send_notifications", "--today", "2024-11-22", stdout=io.StringIO())
    overdue = Notification.objects.filter(kind=Kind.OVERDUE)
    assert {(note.challenge.slug, note.action.reference) for note in overdue} == {
        ("coventry-2024", "1.1"), ("coventry-2024", "2.2"), ("coventry-2024", "6.2")}
    priya = next(note for note in overdue if note.recipient.email == "priya.shah@demo.peertrack.invalid")
    assert priya.action.reference == "2.2" and "was due on 31 October 2024" in priya.body
    assert any(priya.title in message.body or message.subject == priya.title for message in mail.outbox
               if message.to == ["priya.shah@demo.peertrack.invalid"])
    assert not Notification.objects.filter(challenge__archived_at__isnull=False).exists()
    assert not Notification.objects.exclude(challenge=None).exclude(challenge__slug="coventry-2024").exists()
