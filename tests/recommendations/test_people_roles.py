"""Changing a member's role and deactivating them: who may, history kept, open actions to the inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations import inbox
from recommendations.models import Membership

pytestmark = pytest.mark.django_db


def membership_of(user):
    return Membership.objects.get(user=user)


def test_an_administrator_changes_a_role_and_the_history_says_who(client, dave, bob):
    client.force_login(dave)
    response = client.post(reverse("person", args=["northtown", membership_of(bob).pk]), {"role": "coordinator"})
    assert response.status_code == 302
    membership = membership_of(bob)
    assert membership.role == "coordinator"
    latest = membership.history.latest("history_date")
    assert latest.history_user == dave and latest.history_change_reason == "Role changed"
    page = client.get(reverse("person", args=["northtown", membership.pk])).content.decode()
    assert "Role changed" in page and "Dave Admin" in page


def test_an_unknown_role_is_refused_with_a_message(client, dave, bob):
    client.force_login(dave)
    response = client.post(reverse("person", args=["northtown", membership_of(bob).pk]), {"role": "superuser"})
    assert response.status_code == 400 and "Choose a role from the list" in response.content.decode()
    assert membership_of(bob).role == "officer"


def test_nobody_changes_or_deactivates_themselves(client, dave):
    client.force_login(dave)
    mine = membership_of(dave).pk
    assert client.post(reverse("person", args=["northtown", mine]), {"role": "officer"}).status_code == 403
    assert client.post(reverse("person_deactivate", args=["northtown", mine])).status_code == 403
    assert membership_of(dave).role == "administrator" and membership_of(dave).expires_on is None


def test_a_coordinator_cannot_touch_an_administrator_or_make_one(client, alice, bob, dave):
    client.force_login(alice)
    assert (
        client.post(reverse("person", args=["northtown", membership_of(dave).pk]), {"role": "officer"}).status_code
        == 403
    )
    assert client.post(reverse("person_deactivate", args=["northtown", membership_of(dave).pk])).status_code == 403
    made = client.post(reverse("person", args=["northtown", membership_of(bob).pk]), {"role": "administrator"})
    assert made.status_code == 400
    assert membership_of(bob).role == "officer" and membership_of(dave).role == "administrator"
    assert (
        client.post(reverse("person", args=["northtown", membership_of(bob).pk]), {"role": "scrutiny"}).status_code
        == 302
    )


def test_officers_and_scrutiny_members_cannot_change_roles(client, bob, carol, olive):
    for person in (bob, carol):
        client.force_login(person)
        assert (
            client.post(
                reverse("person", args=["northtown", membership_of(olive).pk]), {"role": "coordinator"}
            ).status_code
            == 403
        )
    assert membership_of(olive).role == "officer"


def test_deactivating_keeps_the_record_and_puts_open_actions_in_the_inbox(client, dave, alice, bob, action):
    client.force_login(dave)
    confirm = client.get(reverse("person_deactivate", args=["northtown", membership_of(bob).pk]))
    assert "1 open action" in confirm.content.decode()
    response = client.post(reverse("person_deactivate", args=["northtown", membership_of(bob).pk]))
    assert response.status_code == 302
    membership = membership_of(bob)
    assert membership.expires_on == timezone.localdate() - timezone.timedelta(days=1)
    assert not Membership.objects.active().filter(user=bob).exists()
    assert membership.history.latest("history_date").history_change_reason == "Deactivated"
    # Bob no longer sees Northtown; the record stays, and the action is still his until reassigned.
    client.force_login(bob)
    assert client.get(reverse("challenge", args=[action.recommendation.challenge.slug])).status_code == 404
    action.refresh_from_db()
    assert action.lead_officer == bob
    # The coordinator's inbox lists it under "Lead officer inactive or missing", with a reassign link.
    box = inbox.inbox_for(inbox.coordinated_councils(alice))
    assert [then.action.pk for then in box.lead_missing] == [action.pk]
    [lead] = box.leads_to_reassign
    assert (lead.person, lead.count, lead.membership_pk) == (bob, 1, membership.pk)
    client.force_login(alice)
    page = client.get(reverse("inbox")).content.decode()
    assert reverse("person_reassign", args=["northtown", membership.pk]) in page
    assert "Reassign all 1 of Bob Lead’s open action at once" in page


def test_deactivating_twice_changes_nothing_the_second_time(client, dave, bob):
    client.force_login(dave)
    url = reverse("person_deactivate", args=["northtown", membership_of(bob).pk])
    client.post(url)
    count = membership_of(bob).history.count()
    client.post(url)
    assert membership_of(bob).history.count() == count


def test_the_person_page_of_another_councils_member_is_a_404(client, dave, mallory):
    client.force_login(dave)
    assert client.get(reverse("person", args=["northtown", membership_of(mallory).pk])).status_code == 404
    assert (
        client.post(reverse("person", args=["northtown", membership_of(mallory).pk]), {"role": "officer"}).status_code
        == 404
    )


def test_a_guest_peer_is_forbidden(client, gina):
    client.force_login(gina)
    assert client.get(reverse("people", args=["northtown"])).status_code == 403


def test_someone_managing_two_councils_is_offered_the_other_councils_people(client, dave, southport, mallory):
    Membership.objects.create(user=dave, council=southport, role=Membership.Role.COORDINATOR)
    client.force_login(dave)
    page = client.get(reverse("people", args=["northtown"])).content.decode()
    assert "You also look after the people of" in page and reverse("people", args=["southport"]) in page
    assert "Mallory" in client.get(reverse("people", args=["southport"])).content.decode()
    assert "Mallory" not in page
