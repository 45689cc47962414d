from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reviews.models import CommitteeReport
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(challenge):
    return reverse("committee_report_new", args=[challenge.slug])


def _date(name, day, month, year):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def _valid(**changes):
    data = {
        "committee": "Cabinet",
        **_date("meeting_date", "11", "6", "2024"),
        "subject": "Peer Challenge progress",
        "author_name": "Alice Coordinator",
        "author_job_title": "",
        "author_service_area": "",
        "author_contact": "",
        **_date("figures_as_of", "", "", ""),
        "purpose": "Why this note.",
        "recommendations_to_committee": "Note the progress",
        "key_risks": "Capacity.",
        "next_steps": "Report again.",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_draft_a_report(client, everyone, username, status, challenge):
    assert_access(client, username, status, _url(challenge), posts=[(_url(challenge), _valid())])
    assert not CommitteeReport.objects.exists()


def test_form_starts_from_the_usual_wording_and_the_next_meeting(client, alice, challenge):
    from reviews.models import CommitteeMeeting

    CommitteeMeeting.objects.create(
        challenge=challenge, committee="Cabinet", meeting_date=dt.date.today() + dt.timedelta(days=10)
    )
    client.force_login(alice)
    body = client.get(_url(challenge)).content.decode()
    assert 'value="Cabinet"' in body
    assert "Note the progress made and areas still to be addressed" in body
    assert 'value="Alice Coordinator"' in body


def test_coordinator_saves_a_draft(client, alice, challenge):
    client.force_login(alice)
    response = client.post(_url(challenge), _valid())
    report = CommitteeReport.objects.get()
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    assert report.meeting_date == dt.date(2024, 6, 11)
    assert report.created_by == alice
    assert report.figures_as_of is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"committee": ""}, "Enter the committee the report goes to"),
        (_date("meeting_date", "31", "2", "2024"), "Meeting date must be a real date"),
        (_date("meeting_date", "", "", ""), "Enter the meeting date"),
        (_date("meeting_date", "1", "", "2024"), "Meeting date must include a month"),
        (_date("meeting_date", "1", "1", "9999"), "year"),
        (_date("meeting_date", "1", "1", "2020"), "The meeting date must be on or after the challenge began"),
        (_date("figures_as_of", "1", "1", "2099"), "The figures cannot be as at a date in the future"),
        ({"recommendations_to_committee": "  \n  "}, "Enter at least one recommendation to the committee"),
        ({"purpose": ""}, "Enter the purpose of the report"),
    ],
)
def test_bad_input_gets_a_plain_message_and_saves_nothing(client, alice, challenge, changes, message):
    client.force_login(alice)
    response = client.post(_url(challenge), _valid(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not CommitteeReport.objects.exists()
