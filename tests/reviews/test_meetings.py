"""Committee meetings recorded on the set-up pages, which the dashboard and the packs read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge
from reviews.models import CommitteeMeeting, starter_report
from tests import factories
from tests.forms_helpers import assert_get_and_post_refused, assert_refused, save_in_place

pytestmark = pytest.mark.django_db


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _new(committee: str, day: dt.date, item: str = "") -> dict[str, str]:
    return {
        "new-committee": committee,
        "new-item": item,
        **{f"new-{key}": value for key, value in _date("meeting_date", day).items()},
    }


def _add(client: Any, challenge: PeerChallenge, committee: str, day: dt.date, item: str = "") -> Any:
    return client.post(reverse("committee_meetings", args=[challenge.slug]), _new(committee, day, item))


def test_coordinator_records_meetings_the_packs_then_read(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    next_year = dt.date.today().year + 1
    assert _add(client, challenge, "Scrutiny Co-ordination Committee", dt.date(2024, 6, 10)).status_code == 302
    assert (
        _add(client, challenge, "Cabinet", dt.date(next_year, 6, 11), "Peer Review Progress Update").status_code == 302
    )
    meetings = list(challenge.committee_meetings.values_list("committee", "meeting_date"))
    assert meetings == [
        ("Scrutiny Co-ordination Committee", dt.date(2024, 6, 10)),
        ("Cabinet", dt.date(next_year, 6, 11)),
    ]
    assert CommitteeMeeting.history.filter(committee="Cabinet").get().history_user == alice
    # The next committee pack starts from the next recorded meeting.
    report = starter_report(challenge=challenge, author=alice)
    assert (report.committee, report.meeting_date) == ("Cabinet", dt.date(next_year, 6, 11))
    body = client.get(reverse("committee_meetings", args=[challenge.slug])).content.decode()
    assert "1 held, 1 to come." in body


@pytest.mark.parametrize(
    ("committee", "day", "message"),
    [
        ("", dt.date(2024, 6, 10), "Enter the committee"),
        ("Cabinet", dt.date(2023, 6, 10), "cannot be before the first day on site"),
        ("cabinet", dt.date(2024, 6, 11), "already has a meeting on 11 June 2024"),
    ],
)
def test_meeting_form_refuses_bad_values(
    client: Any, alice: Any, challenge: PeerChallenge, committee: str, day: dt.date, message: str
) -> None:
    CommitteeMeeting.objects.create(challenge=challenge, committee="Cabinet", meeting_date=dt.date(2024, 6, 11))
    client.force_login(alice)
    assert_refused(_add(client, challenge, committee, day), message, rows=challenge.committee_meetings, count=1)


def test_year_9999_and_a_missing_month_are_refused(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    url = reverse("committee_meetings", args=[challenge.slug])
    far = client.post(
        url,
        {
            "new-committee": "Cabinet",
            "new-meeting_date_day": "1",
            "new-meeting_date_month": "1",
            "new-meeting_date_year": "9999",
        },
    )
    assert "Year must be between" in far.content.decode()
    partial = client.post(
        url, {"new-committee": "Cabinet", "new-meeting_date_day": "1", "new-meeting_date_year": "2024"}
    )
    assert "must include a month" in partial.content.decode()
    assert not challenge.committee_meetings.exists()


def test_meeting_is_changed_in_place_and_removed_with_confirmation(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    meeting = CommitteeMeeting.objects.create(
        challenge=challenge, committee="Cabinet", meeting_date=dt.date(2024, 6, 11)
    )
    client.force_login(alice)
    url = reverse("committee_meeting", args=[challenge.slug, meeting.pk])
    response = save_in_place(
        client, url, {"committee": "Council", "item": "", **_date("meeting_date", dt.date(2024, 7, 9))}
    )
    assert response.status_code == 200 and "Council, 9 July 2024" in response.content.decode()
    remove = reverse("committee_meeting_remove", args=[challenge.slug, meeting.pk])
    unconfirmed = client.post(remove, {})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert client.post(remove, {"confirm": "on"}).status_code == 302
    assert not CommitteeMeeting.objects.exists()
    assert CommitteeMeeting.history.filter(history_type="-").get().history_user == alice


def test_another_councils_meeting_is_not_found(
    client: Any, alice: Any, mallory: Any, southport: Any, challenge: PeerChallenge
) -> None:
    theirs = factories.make_challenge(council=southport, slug="southport-2024")
    their_meeting = CommitteeMeeting.objects.create(
        challenge=theirs, committee="Theirs", meeting_date=dt.date(2024, 6, 1)
    )
    mine = CommitteeMeeting.objects.create(challenge=challenge, committee="Mine", meeting_date=dt.date(2024, 6, 1))
    client.force_login(alice)
    assert client.get(reverse("committee_meeting", args=[challenge.slug, their_meeting.pk])).status_code == 404
    assert (
        client.post(
            reverse("committee_meeting_remove", args=[challenge.slug, their_meeting.pk]), {"confirm": "on"}
        ).status_code
        == 404
    )
    client.force_login(mallory)
    assert (
        client.post(reverse("committee_meeting_remove", args=[challenge.slug, mine.pk]), {"confirm": "on"}).status_code
        == 404
    )
    assert CommitteeMeeting.objects.count() == 2


def test_officer_and_scrutiny_may_not_record_meetings(
    client: Any, bob: Any, carol: Any, challenge: PeerChallenge
) -> None:
    for user in (bob, carol):
        client.force_login(user)
        url = reverse("committee_meetings", args=[challenge.slug])
        assert_get_and_post_refused(client, url, _new("Cabinet", dt.date(2024, 6, 11)), status=403)
    assert not CommitteeMeeting.objects.exists()
