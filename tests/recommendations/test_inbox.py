"""The coordinator's inbox ("Needs your attention"): its lists, signing off and returning from it,
who may use it, and the header and navigation every page shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import cssselect2
import pytest
import tinyhtml5
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Action, Deputy, Membership
from recommendations.periods import ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox")
SIGN_OFF = reverse("inbox_sign_off")
TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=60)
EARLIER = TODAY - dt.timedelta(days=30)


# --- helpers ---------------------------------------------------------------------------


def _root(html: str) -> Any:
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html))


def _text(element: Any) -> str:
    return " ".join("".join(element.etree_element.itertext()).split())


def texts(html: str, selector: str) -> list[str]:
    """Returns the text of each element `selector` matches, whitespace collapsed."""
    return [_text(element) for element in _root(html).query_all(selector)]


def listed(html: str, section: str) -> list[str]:
    """Returns the references of the actions listed in a section, in page order."""
    return [title.split(":")[0].removeprefix("Action ") for title in texts(html, f"#{section} li h3")]


def section_text(html: str, section: str) -> str:
    return " ".join(texts(html, f"#{section}"))


def report_complete(action: Action, by: Any, *, narrative: str = "Finished.", evidence: str = "") -> Action:
    action.record_progress(rag="blue", period=ReportingPeriod.current(), narrative=narrative,
                           evidence=evidence, by=by)
    return action


def return_url(action: Action) -> str:
    return reverse("inbox_return", args=[action.recommendation.challenge.slug, action.pk])


def history_of(action: Action, status: str) -> list[Any]:
    return list(Action.history.filter(id=action.pk, status=status))


@pytest.fixture
def plan(recommendation, bob, alice) -> dict[str, Action]:
    """One action in each state the inbox tells apart (reference in brackets):

    awaiting sign-off, reported second (1.1) and first (1.2); returned (1.3); overdue with an
    update this period (1.4); due later with no update (1.5); no lead officer (1.6);
    signed off (1.7); closed (1.8).
    """
    make = factories.make_action
    actions = {
        "awaiting_second": make(recommendation=recommendation, reference="1.1", lead_officer=bob, due_date=LATER),
        "awaiting_first": make(recommendation=recommendation, reference="1.2", lead_officer=bob, due_date=LATER),
        "returned": make(recommendation=recommendation, reference="1.3", lead_officer=bob, due_date=LATER),
        "overdue": make(recommendation=recommendation, reference="1.4", lead_officer=bob, due_date=EARLIER),
        "quiet": make(recommendation=recommendation, reference="1.5", lead_officer=bob, due_date=LATER),
        "orphan": make(recommendation=recommendation, reference="1.6", lead_officer=None, due_date=LATER),
        "complete": make(recommendation=recommendation, reference="1.7", lead_officer=bob, due_date=LATER),
        "closed": make(recommendation=recommendation, reference="1.8", lead_officer=bob, due_date=LATER),
    }
    report_complete(actions["awaiting_first"], bob, narrative="Masterplan adopted by Cabinet on 4 March.",
                    evidence="https://example.org/cabinet-minutes")
    report_complete(actions["awaiting_second"], bob, narrative="Consultation closed.")
    report_complete(actions["returned"], bob)
    actions["returned"].return_for_work(by=alice, reason="Attach the signed minutes.")
    factories.make_update(action=actions["overdue"], rag="amber", author=bob)
    factories.make_update(action=actions["orphan"], rag="green", author=alice)
    report_complete(actions["complete"], bob)
    actions["complete"].sign_off(by=alice)
    actions["closed"].close(by=alice, reason="Superseded by 1.4.")
    return actions


# --- the lists -------------------------------------------------------------------------


def test_each_list_holds_the_actions_in_its_state(client, plan, alice):
    client.force_login(alice)
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html, "awaiting") == ["1.2", "1.1"]  # the oldest report first
    assert listed(html, "returned") == ["1.3"]
    assert listed(html, "overdue") == ["1.4"]
    assert listed(html, "no-update") == ["1.5"]  # the returned 1.3 is listed above instead
    assert listed(html, "lead-officer") == ["1.6"]
    assert "Attach the signed minutes." in section_text(html, "returned")
    assert "It has no lead officer." in section_text(html, "lead-officer")
    assert "Corporate Peer Challenge 2024" in section_text(html, "overdue")
    for section in ("awaiting", "returned", "overdue", "no-update", "lead-officer"):
        assert not {"1.7", "1.8"} & set(listed(html, section))


def test_each_item_links_to_its_action(client, plan, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    links = [element.etree_element.get("href") for element in _root(html).query_all("#overdue li h3 a")]
    assert links == [plan["overdue"].get_absolute_url()]


def test_the_officers_report_shows_inline_with_who_reported_it_and_when(client, plan, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    first = texts(html, "#awaiting li")[0]
    assert "Masterplan adopted by Cabinet on 4 March." in first
    assert "https://example.org/cabinet-minutes" in first
    reported = timezone.localtime(Action.objects.get(pk=plan["awaiting_first"].pk).completion_reported_at)
    assert f"Reported complete by Bob Lead on {reported:%-d %B %Y}" in first
    assert "No evidence was given." in texts(html, "#awaiting li")[1]
    assert '<a href="https://example.org/cabinet-minutes"' in html


def test_every_empty_list_says_so(client, challenge, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert "No actions are awaiting sign-off." in section_text(html, "awaiting")
    assert "No returned actions are waiting" in section_text(html, "returned")
    assert "No actions are overdue." in section_text(html, "overdue")
    assert "has an update for" in section_text(html, "no-update")
    assert "Every open action has a lead officer who can lead it." in section_text(html, "lead-officer")


@pytest.mark.parametrize("leaves", ["membership ended", "account switched off"])
def test_a_lead_officer_who_can_no_longer_lead_is_listed(client, recommendation, alice, bob, leaves):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob, due_date=LATER)
    factories.make_update(action=action, author=bob)
    if leaves == "membership ended":
        Membership.objects.filter(user=bob).update(expires_on=TODAY - dt.timedelta(days=1))
    else:
        type(bob).objects.filter(pk=bob.pk).update(is_active=False)
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert listed(html, "lead-officer") == [action.reference]
    assert "Bob Lead can no longer lead it." in section_text(html, "lead-officer")


def test_archived_challenges_and_other_councils_are_left_out(client, plan, alice, bob, southport, mallory):
    archived = factories.make_challenge(council=alice.memberships.get().council, slug="old", title="Old challenge")
    old = factories.make_action(recommendation=factories.make_recommendation(challenge=archived),
                                lead_officer=bob, due_date=EARLIER)
    report_complete(old, bob)
    archived.archive(by=alice)
    foreign = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport, title="Southport challenge")),
        lead_officer=mallory)
    report_complete(foreign, mallory)
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert "Old challenge" not in html
    assert "Southport challenge" not in html
    assert listed(html, "awaiting") == ["1.2", "1.1"]
    assert "Needs your attention (2)" in " ".join(texts(html, "#navigation a"))


def test_a_coordinator_of_two_councils_sees_both_with_each_council_named(client, plan, alice, southport, mallory):
    Membership.objects.create(user=alice, council=southport, role=Membership.Role.COORDINATOR)
    foreign = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport, title="Southport challenge")),
        lead_officer=mallory, due_date=LATER)
    report_complete(foreign, mallory)
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert listed(html, "awaiting") == ["1.2", "1.1", foreign.reference]
    assert "Southport challenge, Southport Council" in texts(html, "#awaiting li")[2]
    assert "Northtown Council and Southport Council" in html


# --- who may use it --------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    for response in (client.get(INBOX), client.post(SIGN_OFF, {"actions": ["1"]})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave", "mallory"])
def test_anyone_who_coordinates_no_council_is_forbidden(client, plan, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(INBOX).status_code == 403
    assert client.post(SIGN_OFF, {"actions": [str(plan["awaiting_first"].pk)]}).status_code == 403
    assert client.post(return_url(plan["awaiting_first"]), {"reason": "No."}).status_code in (403, 404)
    assert Action.objects.get(pk=plan["awaiting_first"].pk).status == Action.Status.AWAITING_SIGN_OFF


def test_a_guest_peer_is_forbidden(client, plan, gina):
    client.force_login(gina)
    assert client.get(INBOX).status_code == 403
    assert client.post(SIGN_OFF, {"actions": [str(plan["awaiting_first"].pk)]}).status_code == 403


def test_get_is_not_allowed_where_only_post_is(client, alice, plan):
    client.force_login(alice)
    assert client.get(SIGN_OFF).status_code == 405
    assert client.get(return_url(plan["awaiting_first"])).status_code == 405
    assert client.post(INBOX).status_code == 405


# --- signing off -----------------------------------------------------------------------


def test_one_action_is_signed_off_and_the_inbox_says_so(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(SIGN_OFF, {"actions": [str(action.pk)]})
    assert response.status_code == 302
    assert response.url == INBOX
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    assert action.signed_off_by == alice
    [record] = history_of(action, Action.Status.COMPLETE)
    assert record.history_user == alice
    html = client.get(INBOX).content.decode()
    assert "Action 1.2 (Corporate Peer Challenge 2024) is signed off as complete." in html
    assert listed(html, "awaiting") == ["1.1"]


def test_several_are_signed_off_each_with_its_own_history_record(client, plan, alice):
    first, second = plan["awaiting_first"], plan["awaiting_second"]
    client.force_login(alice)
    response = client.post(SIGN_OFF, {"actions": [str(second.pk), str(first.pk)]}, follow=True)
    html = response.content.decode()
    assert ("2 actions are signed off as complete: 1.2 (Corporate Peer Challenge 2024) and "
            "1.1 (Corporate Peer Challenge 2024).") in html
    records = [history_of(action, Action.Status.COMPLETE) for action in (first, second)]
    assert [len(found) for found in records] == [1, 1]
    assert records[0][0].history_id != records[1][0].history_id
    assert all(found[0].history_user == alice for found in records)
    assert "No actions are awaiting sign-off." in section_text(html, "awaiting")


def test_what_someone_else_signed_off_first_is_reported_and_the_rest_go_ahead(client, plan, alice, northtown):
    cora = factories.make_user(username="cora", council=northtown, role=Membership.Role.COORDINATOR,
                               first_name="Cora", last_name="Second")
    first, second = plan["awaiting_first"], plan["awaiting_second"]
    page = client  # alice loaded the inbox, then Cora signed 1.2 off before alice sent her choice
    Action.objects.get(pk=first.pk).sign_off(by=cora)
    page.force_login(alice)
    html = page.post(SIGN_OFF, {"actions": [str(first.pk), str(second.pk)]}, follow=True).content.decode()
    assert "Action 1.1 (Corporate Peer Challenge 2024) is signed off as complete." in html
    assert "Action 1.2 (Corporate Peer Challenge 2024) was not signed off." in html
    assert "it was signed off by Cora Second" in html
    assert Action.objects.get(pk=first.pk).signed_off_by == cora
    assert len(history_of(first, Action.Status.COMPLETE)) == 1


def test_nothing_selected_is_refused_with_a_message(client, plan, alice):
    client.force_login(alice)
    html = client.post(SIGN_OFF, {}, follow=True).content.decode()
    assert "Select at least one action to sign off." in html


@pytest.mark.parametrize("bad", ["abc", "1.5", "-3", "", "٣", "99999999999999999999", "1 OR 1=1"])
def test_an_id_that_is_not_a_number_is_refused_and_nothing_changes(client, plan, alice, bad):
    good = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(SIGN_OFF, {"actions": [str(good.pk), bad]}, follow=True)
    assert response.status_code == 200
    assert "nothing was signed off" in response.content.decode()
    assert Action.objects.get(pk=good.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_another_councils_action_is_refused_and_nothing_changes(client, plan, alice, southport, mallory):
    foreign = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport)), lead_officer=mallory)
    report_complete(foreign, mallory)
    good = plan["awaiting_first"]
    client.force_login(alice)
    html = client.post(SIGN_OFF, {"actions": [str(good.pk), str(foreign.pk)]}, follow=True).content.decode()
    assert "1 of the selected actions is not in a challenge you coordinate, so nothing was signed off." in html
    assert Action.objects.get(pk=good.pk).status == Action.Status.AWAITING_SIGN_OFF
    assert Action.objects.get(pk=foreign.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_a_council_where_the_user_is_not_coordinator_is_refused(client, plan, alice, southport, mallory):
    Membership.objects.create(user=alice, council=southport, role=Membership.Role.SCRUTINY)
    foreign = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport)), lead_officer=mallory)
    report_complete(foreign, mallory)
    client.force_login(alice)
    client.post(SIGN_OFF, {"actions": [str(foreign.pk)]})
    assert Action.objects.get(pk=foreign.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_an_archived_challenges_action_is_refused_in_words(client, plan, alice, bob, challenge):
    action = plan["awaiting_first"]
    challenge.archive(by=alice)
    client.force_login(alice)
    html = client.post(SIGN_OFF, {"actions": [str(action.pk)]}, follow=True).content.decode()
    assert "Corporate Peer Challenge 2024 is archived, so it is read-only." in html
    assert Action.objects.get(pk=action.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_too_many_ids_are_refused(client, plan, alice):
    client.force_login(alice)
    html = client.post(SIGN_OFF, {"actions": [str(n) for n in range(1, 600)]}, follow=True).content.decode()
    assert "Select at most 500 actions at a time. Nothing was signed off." in html
    assert Action.objects.get(pk=plan["awaiting_first"].pk).status == Action.Status.AWAITING_SIGN_OFF


def test_htmx_gets_the_lists_and_the_live_region_says_what_happened(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(SIGN_OFF, {"actions": [str(action.pk)]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    [status] = _root(html).query_all("#inbox-status")
    assert status.etree_element.get("aria-live") == "polite"
    assert status.etree_element.get("hx-swap-oob") == "innerHTML"
    assert _text(status) == "Action 1.2 (Corporate Peer Challenge 2024) is signed off as complete."
    assert listed(html, "awaiting") == ["1.1"]
    assert _root(html).query("#inbox-others").etree_element.get("hx-swap-oob") == "true"
    assert texts(html, "#inbox-count [aria-hidden]") == ["(1)"]
    assert Action.objects.get(pk=action.pk).status == Action.Status.COMPLETE


def test_htmx_hears_about_refusals_in_the_live_region(client, plan, alice):
    client.force_login(alice)
    Action.objects.get(pk=plan["awaiting_first"].pk).sign_off(by=alice)
    html = client.post(SIGN_OFF, {"actions": [str(plan["awaiting_first"].pk)]},
                       HTTP_HX_REQUEST="true").content.decode()
    status = " ".join(texts(html, "#inbox-status"))
    assert "No action was signed off." in status
    assert "Action 1.2 (Corporate Peer Challenge 2024) was not signed off." in status


def test_the_page_offers_single_and_bulk_sign_off_forms(client, plan, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    root = _root(html)
    boxes = root.query_all("#awaiting input[type=checkbox][name=actions]")
    assert [box.etree_element.get("form") for box in boxes] == ["bulk-sign-off", "bulk-sign-off"]
    assert root.query("form#bulk-sign-off").etree_element.get("action") == SIGN_OFF
    assert len(list(root.query_all("#awaiting form input[name=submission_key]"))) == 5  # 2 x (sign off, return) + bulk
    assert _text(root.query("#inbox-status")) == ""


# --- returning -------------------------------------------------------------------------


def test_a_return_with_a_reason_goes_back_to_its_officer(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(return_url(action), {"reason": "Attach the <b>signed</b> minutes."})
    assert response.status_code == 302
    assert response.url == INBOX
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.return_reason == "Attach the <b>signed</b> minutes."
    html = client.get(INBOX).content.decode()
    assert "Action 1.2 (Corporate Peer Challenge 2024) has been returned to Bob Lead with your reason." in html
    assert "1.2" in listed(html, "returned")
    assert "Attach the &lt;b&gt;signed&lt;/b&gt; minutes." in html


def test_a_return_without_a_reason_shows_the_error_and_changes_nothing(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(return_url(action), {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Needs your attention" in html
    [summary_link] = _root(html).query_all(".govuk-error-summary a")
    assert summary_link.etree_element.get("href") == f"#reason-{action.pk}"
    assert _text(summary_link) == "Say why the action is not yet complete"
    details = _root(html).query(f"#awaiting-{action.pk} details")
    assert details.etree_element.get("open") is not None
    assert f'id="reason-{action.pk}-error"' in html
    assert Action.objects.get(pk=action.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_htmx_gets_the_awaiting_section_with_the_error(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    response = client.post(return_url(action), {"reason": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="awaiting"')
    assert "Say why the action is not yet complete" in html


def test_htmx_return_is_announced_in_the_live_region(client, plan, alice):
    action = plan["awaiting_first"]
    client.force_login(alice)
    html = client.post(return_url(action), {"reason": "Needs the minutes."},
                       HTTP_HX_REQUEST="true").content.decode()
    assert " ".join(texts(html, "#inbox-status")) == (
        "Action 1.2 (Corporate Peer Challenge 2024) has been returned to Bob Lead with your reason.")
    assert listed(html, "returned") == ["1.2", "1.3"] or listed(html, "returned") == ["1.3", "1.2"]


def test_returning_what_is_no_longer_awaiting_sign_off_says_why(client, plan, alice):
    action = plan["awaiting_first"]
    Action.objects.get(pk=action.pk).sign_off(by=alice)
    client.force_login(alice)
    html = client.post(return_url(action), {"reason": "Too late."}, follow=True).content.decode()
    assert "Action 1.2 (Corporate Peer Challenge 2024) was not returned." in html
    assert "not awaiting sign-off" in html
    assert Action.objects.get(pk=action.pk).status == Action.Status.COMPLETE


def test_another_councils_action_cannot_be_returned(client, plan, alice, southport, mallory):
    foreign = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport)), lead_officer=mallory)
    report_complete(foreign, mallory)
    client.force_login(alice)
    assert client.post(return_url(foreign), {"reason": "No."}).status_code == 404
    swapped = reverse("inbox_return", args=[plan["awaiting_first"].recommendation.challenge.slug, foreign.pk])
    assert client.post(swapped, {"reason": "No."}).status_code == 404
    assert Action.objects.get(pk=foreign.pk).status == Action.Status.AWAITING_SIGN_OFF


def test_an_archived_challenges_action_cannot_be_returned(client, plan, alice, challenge):
    challenge.archive(by=alice)
    client.force_login(alice)
    assert client.post(return_url(plan["awaiting_first"]), {"reason": "No."}).status_code == 403
    assert Action.objects.get(pk=plan["awaiting_first"].pk).status == Action.Status.AWAITING_SIGN_OFF


# --- cost ------------------------------------------------------------------------------

INBOX_QUERIES = 7


def test_query_count_is_fixed_however_many_actions(client, challenge, alice, bob, django_assert_max_num_queries):
    """200 actions in every state: session, user, councils, actions, updates, reports, header."""
    recommendations = [factories.make_recommendation(challenge=challenge) for _ in range(10)]
    for n in range(200):
        action = factories.make_action(recommendation=recommendations[n % 10], reference=f"{n % 10 + 1}.{n}",
                                       lead_officer=None if n % 7 == 0 else bob,
                                       due_date=EARLIER if n % 3 == 0 else LATER)
        kind = n % 5
        if kind == 0:
            report_complete(action, bob, evidence=f"https://example.org/{n}")
        elif kind == 1:
            report_complete(action, bob)
            action.return_for_work(by=alice, reason=f"Reason {n}")
        elif kind == 2:
            factories.make_update(action=action, author=bob)
        elif kind == 3 and n % 2:
            report_complete(action, bob)
            action.sign_off(by=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(INBOX_QUERIES):
        response = client.get(INBOX)
    html = response.content.decode()
    assert len(listed(html, "awaiting")) == 40
    assert len(listed(html, "returned")) == 40
    assert "Needs your attention (40)" in " ".join(texts(html, "#navigation a"))


# --- header and navigation -------------------------------------------------------------


def navigation(client: Any) -> list[str]:
    return texts(client.get(reverse("accessibility")).content.decode(), "#navigation a, #navigation button")


def header(client: Any) -> str:
    return " ".join(texts(client.get(reverse("accessibility")).content.decode(), "#signed-in-as"))


def test_a_coordinator_sees_the_inbox_with_its_count_and_my_actions(client, plan, alice):
    client.force_login(alice)
    items = navigation(client)
    assert "Needs your attention (2): 2 actions awaiting your sign-off" in items
    assert "My actions" in items
    assert header(client) == "Signed in as Alice Coordinator , Northtown Council"


def test_an_officer_sees_my_actions_but_no_inbox(client, plan, bob):
    client.force_login(bob)
    items = navigation(client)
    assert "My actions" in items
    assert not [item for item in items if "Needs your attention" in item]


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_scrutiny_and_administrators_who_lead_nothing_see_neither(client, plan, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    # An administrator manages the council's people (ADR 0021); neither sees the inbox or My actions.
    people = ["People"] if persona == "dave" else []
    assert navigation(client) == ["Challenges", *people, "Portfolio", "Search", "Notifications",
                                  f"Sign out ({user.get_full_name()})"]


def test_a_scrutiny_member_who_leads_an_action_sees_my_actions(client, recommendation, carol):
    factories.make_action(recommendation=recommendation, lead_officer=carol)
    client.force_login(carol)
    assert "My actions" in navigation(client)


@pytest.mark.parametrize("named_for", ["action", "lead officer"])
def test_a_scrutiny_member_named_as_a_deputy_sees_my_actions(client, action, bob, carol, northtown, named_for):
    covers = {"action": action} if named_for == "action" else {"lead_officer": bob}
    Deputy.objects.create(council=northtown, deputy=carol, ends_on=TODAY + dt.timedelta(days=5), **covers)
    client.force_login(carol)
    assert "My actions" in navigation(client)
    Deputy.objects.update(ends_on=TODAY - dt.timedelta(days=1))
    assert "My actions" not in navigation(client)


def test_a_guest_sees_neither_and_the_council_they_are_a_guest_of(client, gina):
    client.force_login(gina)
    items = navigation(client)
    assert "My actions" not in items
    assert not [item for item in items if "Needs your attention" in item]
    assert header(client) == "Signed in as Gina Peer , Guest peer, Northtown Council"


def test_several_councils_show_the_first_and_how_many_more(client, alice, southport):
    Membership.objects.create(user=alice, council=southport, role=Membership.Role.SCRUTINY)
    Membership.objects.create(user=alice, council=factories.make_council(name="Westby Council"),
                              role=Membership.Role.OFFICER)
    client.force_login(alice)
    html = client.get(reverse("accessibility")).content.decode()
    assert texts(html, "#signed-in-as [aria-hidden]") == ["+2 more"]
    assert "Northtown Council" in header(client)
    assert "and 2 more councils" in header(client)


def test_the_inbox_is_marked_as_the_current_page(client, plan, alice):
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    [current] = _root(html).query_all("#navigation a[aria-current=page]")
    assert _text(current).startswith("Needs your attention (2)")


def test_the_header_and_navigation_cost_one_query(client, alice, django_assert_max_num_queries, southport):
    for _ in range(5):
        Membership.objects.create(user=alice, council=factories.make_council(), role=Membership.Role.SCRUTINY)
    client.force_login(alice)
    # Session, user, then the memberships with the navigation's counts.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("accessibility"))
    assert "+5 more" in response.content.decode()


def test_the_count_agrees_with_the_plan(client, plan, alice, bob):
    """The header counts stored statuses; the list reads the plan: they must say the same."""
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert texts(html, "#inbox-count [aria-hidden]") == [f"({len(listed(html, 'awaiting'))})"]
    Action.objects.get(pk=plan["awaiting_first"].pk).record_progress(
        rag="amber", period=ReportingPeriod.current(), narrative="Not quite.", by=bob)
    html = client.get(INBOX).content.decode()
    assert texts(html, "#inbox-count [aria-hidden]") == ["(1)"]
    assert listed(html, "awaiting") == ["1.1"]
