"""Deputies: someone named to record progress for a lead officer until a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Action, Deputy, Membership
from recommendations.periods import ReportingPeriod
from tests import factories
from tests.forms_helpers import assert_get_and_post_refused

TODAY = timezone.localdate


def page_url(action: Action) -> str:
    return reverse("action_deputies", args=[action.recommendation.challenge.slug, action.pk])


def end_url(action: Action, deputy: Deputy) -> str:
    return reverse("action_deputy_end", args=[action.recommendation.challenge.slug, action.pk, deputy.pk])


def council_url(council: Any) -> str:
    return reverse("deputies", args=[council.slug])


def progress_url(action: Action) -> str:
    return reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk])


def until(day: dt.date) -> dict[str, str]:
    return {"ends_on_day": str(day.day), "ends_on_month": str(day.month), "ends_on_year": str(day.year)}


def name(deputy: Any, day: dt.date | None = None, **extra: Any) -> dict[str, Any]:
    return {"deputy": getattr(deputy, "pk", deputy), **until(day or TODAY() + dt.timedelta(days=14)), **extra}


def progress(narrative: str = "Covered while Bob is on leave.") -> dict[str, str]:
    return {"rag": "green", "period": ReportingPeriod.current().key, "narrative": narrative}


def make_deputy(*, action: Action | None = None, lead: Any = None, deputy: Any, named_by: Any,
                ends_on: dt.date | None = None) -> Deputy:
    council = action.recommendation.challenge.council if action else Membership.objects.get(user=lead).council
    return Deputy.objects.create(council=council, deputy=deputy, action=action, lead_officer=lead,
                                 ends_on=ends_on or TODAY() + dt.timedelta(days=14), named_by=named_by)


# --- who may open the pages ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_a_coordinator_and_the_lead_officer_open_the_actions_deputies(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page_url(action))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody is deputising for this action now." in html
    assert 'name="ends_on_day"' in html and 'name="submission_key"' in html


@pytest.mark.parametrize("persona", ["olive", "carol", "dave", "gina"])
def test_anyone_else_of_the_council_is_refused_the_actions_deputies(client, action, olive, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert_get_and_post_refused(client, page_url(action), name(olive), status=403)
    assert not Deputy.objects.exists()


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, action, olive, mallory):
    assert "/sign-in/" in client.get(page_url(action)).url
    client.force_login(mallory)
    assert_get_and_post_refused(client, page_url(action), name(olive), status=404)
    assert client.get(council_url(action.recommendation.challenge.council)).status_code == 404
    assert not Deputy.objects.exists()


@pytest.mark.parametrize("persona", ["carol", "dave", "gina"])
def test_scrutiny_administrators_and_guests_are_refused_the_councils_deputies(client, northtown, olive,
                                                                            persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert_get_and_post_refused(client, council_url(northtown), name(olive), status=403)
    assert not Deputy.objects.exists()


# --- naming a deputy -----------------------------------------------------------------------


def test_the_lead_officer_names_a_deputy_for_one_action(client, action, bob, olive):
    client.force_login(bob)
    ends = TODAY() + dt.timedelta(days=10)
    response = client.post(page_url(action), name(olive, ends))
    assert response.status_code == 302
    deputy = Deputy.objects.get()
    assert (deputy.deputy, deputy.action, deputy.lead_officer, deputy.ends_on, deputy.named_by) == (
        olive, action, None, ends, bob)
    assert deputy.council == action.recommendation.challenge.council
    html = client.get(response.url).content.decode()
    assert f"Olive Other can record progress on action {action.reference}" in html
    assert "Nobody is deputising for this action now." not in html


def test_the_deputy_records_progress_shown_as_recorded_for_the_lead_officer(client, action, alice, bob, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    client.force_login(olive)
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'name="narrative"' in page
    response = client.post(progress_url(action), progress())
    assert response.status_code == 302
    update = action.updates.get()
    assert (update.author, update.recorded_for) == (olive, bob)
    assert "recorded by Olive Other for Bob Lead" in client.get(action.get_absolute_url()).content.decode()


def test_an_officer_who_is_no_deputy_cannot_record_progress(client, action, olive):
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 403
    assert not action.updates.exists()


def test_an_expired_deputy_is_refused(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice, ends_on=TODAY() - dt.timedelta(days=1))
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 403
    assert not action.updates.exists()


def test_a_deputy_whose_cover_ends_today_may_still_record_progress(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice, ends_on=TODAY())
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 302


def test_a_deputy_who_has_left_the_council_is_refused(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    Membership.objects.filter(user=olive).update(expires_on=TODAY() - dt.timedelta(days=1))
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 404
    assert not action.updates.exists()


def test_a_deputy_now_on_scrutiny_is_refused(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    Membership.objects.filter(user=olive).update(role=Membership.Role.SCRUTINY)
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 403
    assert not action.updates.exists()


def test_another_councils_user_named_as_deputy_is_refused(client, action, alice, mallory):
    make_deputy(action=action, deputy=mallory, named_by=alice)
    client.force_login(mallory)
    assert client.post(progress_url(action), progress()).status_code == 404
    assert not action.updates.exists()


def test_a_deputy_has_no_more_rights_than_an_officer(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    action.record_progress(rag="blue", period=ReportingPeriod.current(), narrative="Done.", by=action.lead_officer)
    client.force_login(olive)
    slug = action.recommendation.challenge.slug
    for url_name in ("action_sign_off", "action_return", "action_edit", "action_close", "action_deputies"):
        assert client.post(reverse(url_name, args=[slug, action.pk]), {"reason": "x"}).status_code == 403, url_name
    assert Action.objects.get(pk=action.pk).status == Action.Status.AWAITING_SIGN_OFF
    assert Deputy.objects.count() == 1


def test_a_deputy_for_all_of_an_officers_actions_covers_one_added_later(client, northtown, action, alice, bob,
                                                                        olive):
    client.force_login(alice)
    response = client.post(council_url(northtown), name(olive, lead_officer=bob.pk))
    assert response.status_code == 302
    deputy = Deputy.objects.get()
    assert (deputy.lead_officer, deputy.action, deputy.named_by) == (bob, None, alice)
    later = factories.make_challenge(council=northtown, slug="northtown-2030")
    new_action = factories.make_action(recommendation=factories.make_recommendation(challenge=later),
                                       lead_officer=bob)
    client.force_login(olive)
    assert client.post(progress_url(new_action), progress()).status_code == 302
    assert new_action.updates.get().recorded_for == bob
    assert client.post(progress_url(action), progress()).status_code == 302
    # Not an action someone else leads.
    others = factories.make_action(recommendation=action.recommendation, lead_officer=alice, reference="1.9")
    assert client.post(progress_url(others), progress()).status_code == 403


def test_an_officer_names_a_deputy_for_all_of_their_own_actions_only(client, northtown, action, bob, olive,
                                                                     alice):
    client.force_login(olive)
    page = client.get(council_url(northtown)).content.decode()
    assert 'name="lead_officer"' not in page
    # A lead officer slipped into the form is ignored: an officer names deputies for themselves.
    response = client.post(council_url(northtown), name(alice, lead_officer=bob.pk))
    assert response.status_code == 302
    deputy = Deputy.objects.get()
    assert (deputy.lead_officer, deputy.deputy) == (olive, alice)
    assert not Deputy.objects.filter(lead_officer=bob).exists()


def test_an_officer_cannot_name_deputies_for_someone_elses_action(client, action, olive, carol):
    client.force_login(olive)
    assert client.post(page_url(action), name(olive)).status_code == 403
    assert not Deputy.objects.exists()


# --- what is refused, in plain English -----------------------------------------------------


def _errors(client: Any, url: str, data: dict[str, Any]) -> str:
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    return html


def test_the_lead_cannot_be_their_own_deputy(client, action, alice, bob):
    client.force_login(alice)
    html = _errors(client, page_url(action), name(bob))
    assert "Bob Lead leads this action, so cannot be their own deputy: choose someone else" in html
    assert not Deputy.objects.exists()


@pytest.mark.parametrize("who", ["carol", "dave", "mallory"])
def test_the_deputy_must_be_an_officer_or_coordinator_of_the_council(client, action, alice, who, request):
    client.force_login(alice)
    html = _errors(client, page_url(action), name(request.getfixturevalue(who)))
    assert "Choose a deputy who is an officer or coordinator of Northtown Council" in html
    assert not Deputy.objects.exists()


def test_someone_whose_membership_has_expired_cannot_be_named(client, action, alice, olive):
    Membership.objects.filter(user=olive).update(expires_on=TODAY() - dt.timedelta(days=1))
    client.force_login(alice)
    assert "Choose a deputy who is an officer or coordinator" in _errors(client, page_url(action), name(olive))


def test_only_the_councils_officers_and_coordinators_other_than_the_lead_are_offered(client, action, alice, olive,
                                                                                    carol, mallory):
    client.force_login(alice)
    html = client.get(page_url(action)).content.decode()
    select = html[html.index('id="id_deputy"'):html.index("</select>", html.index('id="id_deputy"'))]
    assert "Alice Coordinator" in select and "Olive Other" in select
    assert "Bob Lead" not in select
    assert "Carol Councillor" not in select and "Mallory" not in select


@pytest.mark.parametrize(("data", "message"), [
    ({"deputy": ""}, "Select who will deputise"),
    ({"deputy": "99999999"}, "Choose a deputy who is an officer or coordinator of Northtown Council"),
    ({"deputy": "not a number"}, "Choose a deputy who is an officer or coordinator of Northtown Council"),
    ({"ends_on_day": "", "ends_on_month": "", "ends_on_year": ""}, "Enter the end date"),
    ({"ends_on_day": "31", "ends_on_month": "2", "ends_on_year": "2030"}, "End date must be a real date"),
    ({"ends_on_day": "1", "ends_on_month": "1", "ends_on_year": "3000"}, "Year must be between 1990 and 2100"),
    ({"ends_on_day": "1", "ends_on_month": "", "ends_on_year": "2030"}, "End date must include a month"),
])
def test_bad_input_gets_a_plain_english_message(client, action, alice, olive, data, message):
    client.force_login(alice)
    assert message in _errors(client, page_url(action), {**name(olive), **data})
    assert not Deputy.objects.exists()


def test_the_end_date_cannot_be_in_the_past(client, action, alice, olive):
    client.force_login(alice)
    html = _errors(client, page_url(action), name(olive, TODAY() - dt.timedelta(days=1)))
    assert "The end date must be today or later" in html
    client.post(page_url(action), name(olive, TODAY()))
    assert Deputy.objects.get().ends_on == TODAY()


def test_someone_already_deputising_is_not_named_twice(client, action, alice, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    client.force_login(alice)
    html = _errors(client, page_url(action), name(olive))
    assert f"Olive Other is already a deputy for action {action.reference}" in html
    assert Deputy.objects.count() == 1


def test_a_coordinator_must_say_whose_actions_on_the_councils_page(client, northtown, alice, olive, mallory):
    client.force_login(alice)
    assert "Select the officer whose actions the deputy will cover" in _errors(client, council_url(northtown),
                                                                               name(olive))
    assert "Choose an officer or coordinator of Northtown Council from the list" in _errors(
        client, council_url(northtown), name(olive, lead_officer=mallory.pk))
    assert not Deputy.objects.exists()


# --- ending a deputy early -----------------------------------------------------------------


def test_the_lead_officer_ends_a_deputy_early_and_the_deputy_is_refused_from_then(client, action, alice, bob,
                                                                                 olive):
    deputy = make_deputy(action=action, deputy=olive, named_by=alice)
    client.force_login(bob)
    response = client.post(end_url(action, deputy), follow=True)
    html = response.content.decode()
    assert "Olive Other is no longer a deputy for action" in html
    assert "Nobody is deputising for this action now." in html
    deputy.refresh_from_db()
    assert deputy.ends_on == TODAY() - dt.timedelta(days=1)
    assert deputy.history.latest("history_date").history_user == bob
    again = client.post(end_url(action, deputy), follow=True).content.decode()
    assert "had already ended" in again
    client.force_login(olive)
    assert client.post(progress_url(action), progress()).status_code == 403


def test_the_deputy_cannot_end_their_own_cover_or_anyone_elses(client, northtown, action, alice, olive):
    deputy = make_deputy(action=action, deputy=olive, named_by=alice)
    client.force_login(olive)
    assert client.post(end_url(action, deputy)).status_code == 403
    assert client.post(reverse("deputy_end", args=[northtown.slug, deputy.pk])).status_code == 403
    assert Deputy.objects.get().is_active()


def test_a_coordinator_ends_any_deputy_of_the_council(client, northtown, action, alice, bob, olive):
    deputy = make_deputy(lead=bob, deputy=olive, named_by=bob)
    client.force_login(alice)
    html = client.get(council_url(northtown)).content.decode()
    assert "all of Bob Lead’s actions" in html
    response = client.post(reverse("deputy_end", args=[northtown.slug, deputy.pk]))
    assert response.status_code == 302
    assert not Deputy.objects.get().is_active()


def test_an_officer_ends_only_the_deputies_covering_their_own_actions(client, northtown, action, alice, bob,
                                                                      olive):
    bobs = make_deputy(lead=bob, deputy=alice, named_by=bob)
    olives = make_deputy(lead=olive, deputy=alice, named_by=olive)
    client.force_login(olive)
    html = client.get(council_url(northtown)).content.decode()
    assert "all of Olive Other’s actions" in html and "all of Bob Lead’s actions" not in html
    assert client.post(reverse("deputy_end", args=[northtown.slug, bobs.pk])).status_code == 403
    assert client.post(reverse("deputy_end", args=[northtown.slug, olives.pk])).status_code == 302
    assert Deputy.objects.get(pk=bobs.pk).is_active()
    assert not Deputy.objects.get(pk=olives.pk).is_active()


def test_another_councils_deputy_is_404_under_this_councils_address(client, northtown, southport, alice, mallory):
    theirs = Deputy.objects.create(council=southport, deputy=mallory, lead_officer=mallory,
                                   ends_on=TODAY() + dt.timedelta(days=5), named_by=mallory)
    client.force_login(alice)
    assert client.post(reverse("deputy_end", args=[northtown.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("deputy_end", args=[southport.slug, theirs.pk])).status_code == 404
    assert Deputy.objects.get().is_active()


def test_a_deputy_of_another_action_is_404_on_this_actions_page(client, action, alice, bob, olive):
    elsewhere = factories.make_action(recommendation=action.recommendation, lead_officer=alice, reference="1.7")
    theirs = make_deputy(action=elsewhere, deputy=olive, named_by=alice)
    client.force_login(bob)
    assert client.post(end_url(action, theirs)).status_code == 404
    assert Deputy.objects.get().is_active()


def test_the_actions_page_lists_active_and_ended_deputies(client, action, alice, bob, olive):
    make_deputy(action=action, deputy=olive, named_by=alice)
    make_deputy(action=action, deputy=alice, named_by=bob, ends_on=dt.date(2024, 5, 31))
    make_deputy(lead=bob, deputy=alice, named_by=bob)
    client.force_login(bob)
    html = client.get(page_url(action)).content.decode()
    now, ended = html.split("<h2 class=\"govuk-heading-m\">Ended</h2>")
    assert "Olive Other" in now and "all of Bob Lead’s actions" in now
    assert "until the end of 31 May 2024" in ended


# --- links and archived challenges -----------------------------------------------------------


def test_the_action_page_links_to_deputies_for_the_coordinator_and_the_lead_only(client, action, alice, bob,
                                                                                 olive):
    for persona, shown in ((alice, True), (bob, True), (olive, False)):
        client.force_login(persona)
        html = client.get(action.get_absolute_url()).content.decode()
        assert (f'href="{page_url(action)}"' in html) is shown, persona


def test_no_deputy_is_named_on_an_archived_challenge(client, challenge, action, alice, olive):
    challenge.archive(by=alice)
    client.force_login(alice)
    page = client.get(page_url(action))
    assert page.status_code == 200
    assert 'name="deputy"' not in page.content.decode()
    assert client.post(page_url(action), name(olive)).status_code == 403
    assert not Deputy.objects.exists()


def test_an_action_without_a_lead_officer_has_nobody_to_deputise_for(client, recommendation, alice, olive):
    unled = factories.make_action(recommendation=recommendation, reference="1.8", lead_officer=None)
    client.force_login(alice)
    assert client.get(page_url(unled)).status_code == 200
    html = _errors(client, page_url(unled), name(olive))
    assert "This action has no lead officer, so there is nobody to deputise for." in html
    assert not Deputy.objects.exists()
