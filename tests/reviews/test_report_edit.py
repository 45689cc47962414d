from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.packs.forms import CommitteeReportForm
from tests.factories import make_pack
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(report):
    return reverse("committee_report_edit", args=[report.challenge.slug, report.pk])


def _data(report, **changes):
    """Returns the form's data that saves the report as it stands, with `changes`."""
    day = report.meeting_date
    return {
        **{name: getattr(report, name) for name in CommitteeReportForm.Meta.fields},
        "meeting_date_day": day.day, "meeting_date_month": day.month, "meeting_date_year": day.year,
        "figures_as_of_day": "", "figures_as_of_month": "", "figures_as_of_year": "",
        **changes,
    }


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_edit_a_draft(client, everyone, username, status, report):
    assert_access(client, username, status, _url(report), posts=[(_url(report), _data(report, committee="Council"))])
    report.refresh_from_db()
    assert report.committee == "Scrutiny Co-ordination Committee"


def test_coordinator_edits_the_draft(client, alice, report):
    client.force_login(alice)
    response = client.post(_url(report), _data(report, committee="Council"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.committee == "Council"


def test_editing_after_issue_leaves_the_issued_pack_as_it_was(client, alice, report):
    pack = make_pack(report=report)
    client.force_login(alice)
    assert "keep the text they were issued with" in client.get(_url(report)).content.decode()
    client.post(_url(report), _data(report, committee="Council"))
    pack.refresh_from_db()
    assert pack.committee == "Scrutiny Co-ordination Committee"


def test_bad_input_changes_nothing(client, alice, report):
    client.force_login(alice)
    response = client.post(_url(report), _data(report, committee="Council", meeting_date_day="soon"))
    assert response.status_code == 200
    assert "Meeting date must be a real date" in response.content.decode()
    report.refresh_from_db()
    assert report.committee == "Scrutiny Co-ordination Committee"


def test_a_report_of_another_challenge_is_not_found(client, alice, report, northtown):
    from tests import factories

    other = factories.make_challenge(council=northtown, slug="northtown-2019")
    client.force_login(alice)
    url = reverse("committee_report_edit", args=[other.slug, report.pk])
    assert client.get(url).status_code == 404
