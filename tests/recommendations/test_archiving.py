"""Archiving a challenge once its cycle is over: read-only, out of My actions and reminders, still readable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Deputy, GuestAccess, PeerChallenge
from recommendations.periods import ReportingPeriod
from recommendations.services import reminders_due
from tests import factories
from tests import permission_matrix as matrix
from tests import test_permission_matrix as world_builder

READ_ONLY = "is archived, so it is read-only and nothing was changed"


def archive_url(challenge: PeerChallenge) -> str:
    return reverse("challenge_archive", args=[challenge.slug])


def unarchive_url(challenge: PeerChallenge) -> str:
    return reverse("challenge_unarchive", args=[challenge.slug])


@pytest.fixture
def archived(challenge, action, alice):
    challenge.archive(by=alice)
    return challenge


# --- archiving and unarchiving ----------------------------------------------------------


def test_coordinator_confirms_then_archives_the_challenge(client, challenge, action, alice):
    client.force_login(alice)
    page = client.get(archive_url(challenge))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Archive Corporate Peer Challenge 2024?" in html
    assert 'name="submission_key"' in html and 'name="csrfmiddlewaretoken"' in html
    response = client.post(archive_url(challenge))
    assert response.status_code == 302
    assert response.url == challenge.get_absolute_url()
    challenge.refresh_from_db()
    assert challenge.is_archived
    assert challenge.archived_by == alice
    latest = challenge.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (alice, "Archived")
    html = client.get(response.url).content.decode()
    assert "Corporate Peer Challenge 2024 is archived." in html
    assert f"Archived on {timezone.localdate():%-d %B %Y} by Alice Coordinator: read-only." in html


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave", "gina"])
def test_only_a_coordinator_may_archive_or_unarchive(client, challenge, alice, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(archive_url(challenge)).status_code == 403
    assert client.post(archive_url(challenge)).status_code == 403
    assert not PeerChallenge.objects.get(pk=challenge.pk).is_archived
    challenge.archive(by=alice)
    assert client.get(unarchive_url(challenge)).status_code == 403
    assert client.post(unarchive_url(challenge)).status_code == 403
    assert PeerChallenge.objects.get(pk=challenge.pk).is_archived


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, challenge, mallory):
    assert "/sign-in/" in client.post(archive_url(challenge)).url
    client.force_login(mallory)
    assert client.get(archive_url(challenge)).status_code == 404
    assert client.post(archive_url(challenge)).status_code == 404
    assert not PeerChallenge.objects.get(pk=challenge.pk).is_archived


def test_archiving_again_is_refused_and_changes_nothing(client, archived, alice):
    client.force_login(alice)
    records = archived.history.count()
    response = client.get(archive_url(archived), follow=True)
    assert "is already archived. Nothing was changed." in response.content.decode()
    response = client.post(archive_url(archived))
    assert response.status_code == 403
    assert READ_ONLY in response.content.decode()
    assert archived.history.count() == records
    assert PeerChallenge.objects.get(pk=archived.pk).archived_at == archived.archived_at


def test_coordinator_unarchives_and_the_challenge_takes_changes_again(client, archived, action, alice, bob):
    client.force_login(alice)
    page = client.get(unarchive_url(archived)).content.decode()
    assert "Unarchive Corporate Peer Challenge 2024?" in page
    response = client.post(unarchive_url(archived), follow=True)
    assert "is no longer archived" in response.content.decode()
    archived.refresh_from_db()
    assert not archived.is_archived
    assert archived.archived_by is None
    assert archived.history.latest("history_date").history_change_reason == "Unarchived"
    client.force_login(bob)
    progress = reverse("action_progress", args=[archived.slug, action.pk])
    response = client.post(progress, {"rag": "green", "period": ReportingPeriod.current().key,
                                      "narrative": "Back at it."})
    assert response.status_code == 302
    assert action.updates.count() == 1


def test_unarchiving_a_challenge_that_is_not_archived_changes_nothing(client, challenge, alice):
    client.force_login(alice)
    records = challenge.history.count()
    for response in (client.get(unarchive_url(challenge), follow=True),
                     client.post(unarchive_url(challenge), follow=True)):
        assert "is not archived. Nothing was changed." in response.content.decode()
    assert challenge.history.count() == records


# --- an archived challenge is read-only ---------------------------------------------------

# Bodies a coordinator's form would send, so a view that forgot the rule would have written.
BODIES: dict[str, dict[str, Any]] = {
    "action_progress": {"rag": "green", "period": ReportingPeriod.current().key, "narrative": "Done."},
    "action_return": {"reason": "Attach the minutes."},
    "action_close": {"reason": "No longer needed."},
    "action_reopen": {"reason": "Needed again."},
    "action_add": {"reference": "1.9", "description": "A new action.", "due_date_day": "1",
                   "due_date_month": "3", "due_date_year": "2030"},
    "action_deputies": {"deputy": "", "ends_on_day": "1", "ends_on_month": "1", "ends_on_year": "2100"},
    "committee_report_new": {"committee": "Scrutiny", "meeting_date": "2030-01-01", "author": "A",
                             "purpose": "Progress."},
    "review_schedule": {"review_date": "2030-01-01"},
}


@pytest.fixture
def whole_challenge(northtown, alice, bob, olive, media_root):
    """An archived challenge with one of everything the permission matrix fills its URLs with."""
    bundle = world_builder._bundle(council=northtown, key="nt24", year=2024, lead=bob, coordinator=alice)
    guest = factories.make_guest(challenge=bundle.challenge)
    bundle.objects["recommendations.guestaccess"] = GuestAccess.objects.get(user=guest)
    bundle.objects["recommendations.deputy"] = Deputy.objects.create(
        council=northtown, deputy=olive, action=bundle["recommendations.action"],
        ends_on=timezone.localdate() + dt.timedelta(days=7), named_by=alice)
    bundle.challenge.archive(by=alice)
    return world_builder.World(bundles={"nt24": bundle}, users={"alice": alice, "bob": bob}, group=None,
                               client=None, cookies={})  # type: ignore[arg-type]


def _challenge_routes() -> list[world_builder.Route]:
    return [route for routes in world_builder.ROUTES_BY_NAME.values() for route in routes
            if not route.is_admin and "slug" in route.arg_names]


def test_every_post_to_an_archived_challenge_is_refused_and_changes_nothing(client, whole_challenge, alice):
    client.force_login(alice)
    refused: list[str] = []
    for route in _challenge_routes():
        if route.name == "challenge_unarchive":
            continue  # the one change an archived challenge takes: tested last, below
        url = reverse(route.name, kwargs=world_builder._product_kwargs(route, "own", whole_challenge))
        expected = matrix.EXPECTED[route.name](matrix.Case("coordinator", matrix.COORDINATOR, "POST", "own"))
        before = world_builder.fingerprint()
        response = client.post(url, BODIES.get(route.name, {}))
        assert world_builder.fingerprint() == before, f"POST {url} ({route.name}) changed the database"
        if expected == matrix.NOT_ALLOWED:  # a page that is only read: no POST at all
            assert response.status_code == 405, route.name
            continue
        assert response.status_code == 403, f"POST {url} ({route.name}): {response.status_code}"
        assert READ_ONLY in response.content.decode(), route.name
        refused.append(route.name)
    # The ones the brief names are among them, so the walk cannot have missed them.
    assert {"action_progress", "action_sign_off", "action_return", "action_edit", "action_add",
            "action_close", "action_reopen", "recommendations_import", "action_plan_import",
            "action_plan_import_confirm", "committee_report_new", "committee_report_issue",
            "review_schedule", "challenge_archive", "action_deputies", "action_deputy_end"} <= set(refused)
    challenge = whole_challenge.bundles["nt24"].challenge
    response = client.post(unarchive_url(challenge))
    assert response.status_code == 302
    assert not PeerChallenge.objects.get(pk=challenge.pk).is_archived


def test_lead_officer_cannot_record_progress_on_an_archived_challenge(client, archived, action, bob):
    client.force_login(bob)
    url = reverse("action_progress", args=[archived.slug, action.pk])
    response = client.post(url, BODIES["action_progress"])
    assert response.status_code == 403
    assert READ_ONLY in response.content.decode()
    assert not action.updates.exists()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "This challenge is archived, so its actions take no updates." in page
    assert 'name="narrative"' not in page


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave", "gina"])
def test_an_archived_challenge_stays_readable(client, archived, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    slug = archived.slug
    for url in (archived.get_absolute_url(), action.get_absolute_url(),
                reverse("recommendation", args=[slug, action.recommendation.number]),
                reverse("dashboard", args=[slug]), reverse("action_plan", args=[slug]),
                reverse("action_plan_csv", args=[slug]), reverse("pack_list", args=[slug]),
                reverse("review_index", args=[slug])):
        assert client.get(url).status_code == 200, url


def test_the_challenge_page_says_it_is_archived_and_hides_the_editing_links(client, archived, alice, bob):
    client.force_login(alice)
    html = client.get(archived.get_absolute_url()).content.decode()
    assert "by Alice Coordinator: read-only." in html
    assert f'href="{unarchive_url(archived)}"' in html
    assert f'href="{archive_url(archived)}"' not in html
    assert reverse("action_plan_import", args=[archived.slug]) not in html
    assert reverse("recommendations_import", args=[archived.slug]) not in html
    client.force_login(bob)
    html = client.get(archived.get_absolute_url()).content.decode()
    assert "read-only." in html
    assert f'href="{unarchive_url(archived)}"' not in html


def test_the_action_page_of_an_archived_challenge_offers_no_changes(client, archived, action, alice):
    client.force_login(alice)
    html = client.get(action.get_absolute_url()).content.decode()
    assert "read-only." in html
    for name in ("action_edit", "action_close", "action_sign_off"):
        assert reverse(name, args=[archived.slug, action.pk]) not in html
    assert reverse("action_add", args=[archived.slug, action.recommendation.number]) not in html


def test_a_challenge_page_offers_archiving_to_coordinators_only(client, challenge, alice, bob):
    client.force_login(bob)
    assert archive_url(challenge) not in client.get(challenge.get_absolute_url()).content.decode()
    client.force_login(alice)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert f'href="{archive_url(challenge)}"' in html
    assert "read-only." not in html


def test_the_home_page_marks_archived_challenges(client, archived, northtown, alice):
    current = factories.make_challenge(council=northtown, slug="northtown-2030", title="Peer Challenge 2030",
                                       onsite_start=dt.date(2030, 1, 14), onsite_end=dt.date(2030, 1, 17))
    client.force_login(alice)
    response = client.get(reverse("home"))
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row
            for row in response.content.decode().split('<tr class="govuk-table__row">')[1:]}
    assert "Archived" in rows[archived.title]
    assert "Archived" not in rows[current.title]


# --- out of My actions and reminders -------------------------------------------------------


@pytest.fixture
def overdue_in_archive(archived, recommendation, bob):
    """An action of bob's in the archived challenge, overdue and never updated."""
    return factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.5",
                                 description="Archived work nobody should be chased for",
                                 due_date=dt.date(2024, 3, 31))


def _reminded(officer: Any) -> set[int]:
    return {then.action.pk for reminder in reminders_due() if reminder.officer == officer
            for then in reminder.actions}


def test_reminders_leave_out_an_archived_challenges_actions(overdue_in_archive, archived, alice, bob):
    assert overdue_in_archive.pk not in _reminded(bob)
    archived.unarchive(by=alice)
    assert overdue_in_archive.pk in _reminded(bob)


def test_my_actions_leaves_out_an_archived_challenges_actions(client, overdue_in_archive, archived, alice, bob):
    client.force_login(bob)
    assert overdue_in_archive.description not in client.get(reverse("my_actions")).content.decode()
    archived.unarchive(by=alice)
    assert overdue_in_archive.description in client.get(reverse("my_actions")).content.decode()
