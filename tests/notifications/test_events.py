"""Notifications that follow what someone did: who is told, when, once only, and never about archived
challenges or closed actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import events
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from notifications.tasks import notify
from recommendations.models import Action, Deputy, Membership
from recommendations.periods import ReportingPeriod
from tests import factories
from tests.factories import make_pack, make_report
from tests.notifications.conftest import choose, notes, sent_to

PERIOD = ReportingPeriod.current()


def _action(recommendation, lead, **extra):
    return factories.make_action(recommendation=recommendation, lead_officer=lead,
                                 due_date=timezone.localdate() + dt.timedelta(days=90), **extra)


# --- made lead officer ----------------------------------------------------------------------


def test_a_new_actions_lead_officer_is_told_once_by_email(people, recommendation, committed):
    bob = people["bob"]
    with committed():
        action = _action(recommendation, bob)
    [note] = notes(bob, Kind.LEAD_OFFICER)
    assert note.title == f"You are the lead officer for action {action.reference} (Corporate Peer Challenge 2024)"
    assert note.url == action.get_absolute_url() and note.action == action
    [email] = sent_to(bob)
    assert email.subject == note.title
    assert "Please record its progress each reporting period" in email.body
    with committed():  # saved again with the same lead officer: nothing new
        action.save()
    assert len(notes(bob, Kind.LEAD_OFFICER)) == 1 and len(sent_to(bob)) == 1


def test_nobody_is_told_they_lead_an_action_they_created_for_themselves(people, recommendation, committed):
    alice = people["alice"]
    with committed():
        action = Action(recommendation=recommendation, reference="1.9", description="Mine.", lead_officer=alice)
        action._history_user = alice
        action.save()
    assert notes(alice) == []


def test_a_lead_officer_changed_by_an_import_is_told(people, recommendation, committed):
    bob, olive = people["bob"], people["olive"]
    with committed():
        action = _action(recommendation, bob)
        action.lead_officer = olive
        action.save(update_fields=["lead_officer"])
    assert len(notes(olive, Kind.LEAD_OFFICER)) == 1


def test_a_lead_officer_named_on_the_edit_page_is_told_at_once_and_only_once(people, recommendation, committed):
    from notifications import schedule

    bob, olive, alice = people["bob"], people["olive"], people["alice"]
    with committed():
        action = _action(recommendation, bob)
    with committed():
        action.edit(expected_version=action.version, by=alice, lead_officer=olive)
    [note] = notes(olive, Kind.LEAD_OFFICER)
    assert note.action == action and len(sent_to(olive)) == 1
    schedule.run(council_id=recommendation.challenge.council_id, day=timezone.localdate())  # finds it too
    assert len(notes(olive, Kind.LEAD_OFFICER)) == 1 and len(sent_to(olive)) == 1


def test_an_action_recorded_as_made_long_ago_is_not_news(people, recommendation, committed):
    with committed():
        _action(recommendation, people["bob"], created_at=timezone.now() - dt.timedelta(days=30))
    assert notes(people["bob"]) == []


def test_closed_actions_and_archived_challenges_tell_nobody(people, challenge, recommendation, committed):
    bob = people["bob"]
    with committed():
        _action(recommendation, bob, status=Action.Status.CLOSED)
    challenge.archive(by=people["alice"])
    with committed():
        _action(recommendation, bob)
    assert notes(bob) == []


def test_a_lead_officer_who_is_not_a_member_is_not_told(people, recommendation, mallory, committed):
    with committed():
        Action.objects.create(recommendation=recommendation, reference="1.7", description="Elsewhere.",
                              lead_officer=mallory)
    assert notes(mallory) == []


# --- deputies -------------------------------------------------------------------------------


def test_a_deputy_is_told_what_they_may_do_and_until_when(people, recommendation, northtown, committed):
    bob, olive, alice = people["bob"], people["olive"], people["alice"]
    action = _action(recommendation, bob)
    ends = timezone.localdate() + dt.timedelta(days=30)
    with committed():
        Deputy.objects.create(council=northtown, deputy=olive, action=action, ends_on=ends, named_by=alice)
        Deputy.objects.create(council=northtown, deputy=olive, lead_officer=bob, ends_on=ends, named_by=bob)
    first, second = notes(olive, Kind.DEPUTY)
    assert first.title.startswith(f"You can record progress on action {action.reference}")
    assert "Alice Coordinator named you as a deputy" in first.body
    assert f"until the end of {ends:%-d %B %Y}" in first.body
    assert second.title == f"You can record progress for Bob Lead until {ends:%-d %B %Y}"
    assert len(sent_to(olive)) == 2


def test_a_deputy_who_named_themselves_or_whose_cover_has_ended_hears_nothing(people, northtown, committed):
    bob, olive = people["bob"], people["olive"]
    with committed():
        Deputy.objects.create(council=northtown, deputy=olive, lead_officer=bob,
                              ends_on=timezone.localdate() + dt.timedelta(days=3), named_by=olive)
        Deputy.objects.create(council=northtown, deputy=olive, lead_officer=bob,
                              ends_on=timezone.localdate() - dt.timedelta(days=1), named_by=bob)
    assert notes(olive) == []


# --- returned -------------------------------------------------------------------------------


def test_a_returned_action_tells_its_officer_the_reason(people, recommendation, committed):
    bob, alice = people["bob"], people["alice"]
    action = _action(recommendation, bob)
    action.record_progress(rag="blue", period=PERIOD, narrative="Done.", by=bob)
    mail.outbox.clear()
    with committed():
        action.return_for_work(by=alice, reason="The evidence link is broken.")
    [note] = notes(bob, Kind.RETURNED)
    assert note.title == f"Action {action.reference} (Corporate Peer Challenge 2024) has been returned to you"
    assert "The reason given:\nThe evidence link is broken." in note.body
    assert "Alice Coordinator returned action" in note.body
    [email] = sent_to(bob)
    assert "The evidence link is broken." in email.body


# --- reported complete ----------------------------------------------------------------------


def test_coordinators_are_told_once_when_an_action_is_reported_complete(people, recommendation, northtown,
                                                                       committed):
    bob, alice = people["bob"], people["alice"]
    second = factories.make_user(username="ann", council=northtown, role=Membership.Role.COORDINATOR,
                                 email="ann@northtown.example", first_name="Ann")
    action = _action(recommendation, bob)
    with committed():
        action.record_progress(rag="blue", period=PERIOD, narrative="Adopted.", by=bob)
        action.record_progress(rag="blue", period=PERIOD, narrative="Adopted, with minutes.", by=bob)
    for coordinator in (alice, second):
        [note] = notes(coordinator, Kind.REPORTED_COMPLETE)
        assert note.title == (f"Action {action.reference} (Corporate Peer Challenge 2024) is reported complete "
                              "and awaits sign-off")
        assert "Bob Lead reported action" in note.body
    assert notes(bob, Kind.REPORTED_COMPLETE) == []
    assert notes(people["carol"]) == []  # scrutiny members are not told


def test_a_coordinator_who_reports_an_action_complete_is_not_told_of_it(people, recommendation, committed):
    alice = people["alice"]
    action = _action(recommendation, people["bob"])
    with committed():
        action.record_progress(rag="blue", period=PERIOD, narrative="Done.", by=alice)
    assert notes(alice, Kind.REPORTED_COMPLETE) == []


def test_a_green_update_tells_the_coordinators_nothing(people, recommendation, committed):
    action = _action(recommendation, people["bob"])
    with committed():
        action.record_progress(rag="green", period=PERIOD, narrative="On track.", by=people["bob"])
    assert notes(people["alice"]) == []


def test_reported_complete_can_be_turned_off(people, recommendation, committed):
    choose(people["alice"], Kind.REPORTED_COMPLETE, Delivery.OFF)
    action = _action(recommendation, people["bob"])
    with committed():
        action.record_progress(rag="blue", period=PERIOD, narrative="Done.", by=people["bob"])
    assert notes(people["alice"]) == []


# --- an officer's account switched off --------------------------------------------------------


def test_coordinators_are_told_when_an_officer_leading_open_actions_is_switched_off(people, recommendation,
                                                                                  committed):
    bob, alice = people["bob"], people["alice"]
    open_action = _action(recommendation, bob)
    _action(recommendation, bob, status=Action.Status.CLOSED)
    with committed():
        bob.is_active = False
        bob.save()
    [note] = notes(alice, Kind.OFFICER_DEACTIVATED)
    assert note.title == "Bob Lead's account is switched off: 1 open action needs a new lead officer"
    assert open_action.reference in note.body and note.url.endswith("#lead-officer")
    assert notes(bob, Kind.OFFICER_DEACTIVATED) == []
    with committed():  # saved again while off: not news
        bob.save()
    assert len(notes(alice, Kind.OFFICER_DEACTIVATED)) == 1


def test_switching_off_someone_who_leads_nothing_open_tells_nobody(people, recommendation, committed):
    _action(recommendation, people["olive"], status=Action.Status.CLOSED)
    with committed():
        people["olive"].is_active = False
        people["olive"].save()
    assert notes(people["alice"]) == []


# --- committee packs ------------------------------------------------------------------------


def test_scrutiny_members_who_opted_in_are_told_of_an_issued_pack(people, challenge, committed, media_root):
    carol = people["carol"]
    report = make_report(challenge=challenge, by=people["alice"])
    with committed():
        make_pack(report=report, issued_by=people["alice"])
    assert notes(carol) == []  # off until she turns it on
    choose(carol, Kind.PACK_ISSUED, Delivery.IMMEDIATE)
    with committed():
        pack = make_pack(report=report, issued_by=people["alice"])
    [note] = notes(carol, Kind.PACK_ISSUED)
    assert note.title == "Committee pack issued for Scrutiny Co-ordination Committee, 2 October 2024"
    assert note.url == f"/challenges/{challenge.slug}/packs/" and f"pack {pack.sequence}" in note.body
    assert len(sent_to(carol)) == 1
    assert notes(people["bob"]) == []  # officers are not told


def test_a_pack_of_an_archived_challenge_tells_nobody(people, challenge, committed, media_root):
    choose(people["carol"], Kind.PACK_ISSUED, Delivery.IMMEDIATE)
    report = make_report(challenge=challenge, by=people["alice"])
    challenge.archive(by=people["alice"])
    with committed():
        make_pack(report=report)
    assert notes(people["carol"]) == []


# --- preferences ------------------------------------------------------------------------------


def test_a_kind_kept_for_the_weekly_summary_is_listed_but_not_emailed(people, recommendation, committed):
    bob = people["bob"]
    choose(bob, Kind.LEAD_OFFICER, Delivery.DIGEST)
    with committed():
        _action(recommendation, bob)
    [note] = notes(bob)
    assert note.email == Notification.Email.DIGEST and note.emailed_at is None
    assert sent_to(bob) == []


def test_off_for_a_kind_that_may_not_be_off_counts_as_its_default(people, recommendation, committed):
    bob = people["bob"]
    choose(bob, Kind.LEAD_OFFICER, Delivery.OFF)  # stored by hand; the settings page refuses it
    with committed():
        _action(recommendation, bob)
    assert len(notes(bob)) == 1 and len(sent_to(bob)) == 1


def test_someone_without_an_email_address_is_told_in_the_list_only(bob, recommendation, committed):
    with committed():
        _action(recommendation, bob)
    [note] = notes(bob)
    assert note.email == Notification.Email.NONE
    assert mail.outbox == []


def test_nothing_is_told_when_the_change_is_rolled_back(people, recommendation):
    # No commit, no task: the test's own transaction is never committed.
    _action(recommendation, people["bob"])
    assert notes(people["bob"]) == []


def test_returning_an_action_from_the_inbox_tells_its_officer(client, people, challenge, recommendation, committed):
    from django.urls import reverse

    bob, alice = people["bob"], people["alice"]
    action = _action(recommendation, bob)
    action.record_progress(rag="blue", period=PERIOD, narrative="Done.", by=bob)
    client.force_login(alice)
    with committed():
        response = client.post(reverse("inbox_return", args=[challenge.slug, action.pk]),
                               {"reason": "Please attach the cabinet minutes."})
    assert response.status_code == 302
    [note] = notes(bob, Kind.RETURNED)
    assert "Please attach the cabinet minutes." in note.body
    assert notes(alice, Kind.RETURNED) == []


# --- archived, closed, and the same event twice -------------------------------------------------


def _every_event(people, recommendation, northtown):
    """An action with a return, a completion report and a deputy: the rows each event names."""
    bob, alice = people["bob"], people["alice"]
    action = _action(recommendation, bob)
    action.record_progress(rag="blue", period=PERIOD, narrative="Done.", by=bob)
    returned = action.return_for_work(by=alice, reason="Not yet.")
    report = action.record_progress(rag="blue", period=PERIOD, narrative="Done now.", by=bob)
    deputy = Deputy.objects.create(council=northtown, deputy=people["olive"], action=action, named_by=alice,
                                   ends_on=timezone.localdate() + dt.timedelta(days=9))
    return action, {"lead_officer": action.pk, "returned": returned.pk, "progress": report.pk,
                    "deputy": deputy.pk}


@pytest.mark.parametrize("finish", ["archive the challenge", "close the action"])
def test_events_about_an_archived_challenge_or_a_closed_action_tell_nobody(people, challenge, recommendation,
                                                                          northtown, finish):
    action, rows = _every_event(people, recommendation, northtown)
    if finish == "archive the challenge":
        challenge.archive(by=people["alice"])
    else:
        action.close(by=people["alice"], reason="Superseded by 1.4.")
    for event, object_id in rows.items():
        assert events.EVENTS[event](object_id) == [], event


def test_the_same_event_run_twice_tells_once(people, recommendation, northtown):
    _action_row, rows = _every_event(people, recommendation, northtown)
    for _ in range(2):
        for event, object_id in rows.items():
            notify.enqueue(council_id=northtown.pk, event=event, object_id=object_id)
    made = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert made == [("alice", Kind.REPORTED_COMPLETE), ("bob", Kind.LEAD_OFFICER), ("bob", Kind.RETURNED),
                    ("olive", Kind.DEPUTY)]
    # One email per notification here (each event sends at once), and none a second time.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@northtown.example", "bob@northtown.example", "bob@northtown.example", "olive@northtown.example"]
