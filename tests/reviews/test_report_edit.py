from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reviews.conftest import make_pack


def _url(report):
    return reverse("committee_report_edit", args=[report.challenge.slug, report.pk])


def _data(report, **changes):
    data = {
        name: getattr(report, name)
        for name in (
            "committee",
            "subject",
            "author_name",
            "author_job_title",
            "author_service_area",
            "author_contact",
            "purpose",
            "recommendations_to_committee",
            "key_risks",
            "next_steps",
        )
    }
    day = report.meeting_date
    data.update(
        {
            "meeting_date_day": day.day,
            "meeting_date_month": day.month,
            "meeting_date_year": day.year,
            "figures_as_of_day": "",
            "figures_as_of_month": "",
            "figures_as_of_year": "",
        }
    )
    data.update(changes)
    return data


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client, report):
    response = client.get(_url(report))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden_to_edit(client, request, persona, report):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(report)).status_code == 403
    assert client.post(_url(report), _data(report, committee="Council")).status_code == 403
    report.refresh_from_db()
    assert report.committee == "Scrutiny Co-ordination Committee"


@pytest.mark.django_db
def test_another_councils_user_gets_404(client, mallory, report):
    client.force_login(mallory)
    assert client.get(_url(report)).status_code == 404


@pytest.mark.django_db
def test_coordinator_edits_the_draft(client, alice, report):
    client.force_login(alice)
    response = client.post(_url(report), _data(report, committee="Council"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.committee == "Council"


@pytest.mark.django_db
def test_editing_after_issue_leaves_the_issued_pack_as_it_was(client, alice, report):
    pack = make_pack(report=report)
    client.force_login(alice)
    assert "keep the text they were issued with" in client.get(_url(report)).content.decode()
    client.post(_url(report), _data(report, committee="Council"))
    pack.refresh_from_db()
    assert pack.committee == "Scrutiny Co-ordination Committee"


@pytest.mark.django_db
def test_bad_input_changes_nothing(client, alice, report):
    client.force_login(alice)
    response = client.post(_url(report), _data(report, committee="Council", meeting_date_day="soon"))
    assert response.status_code == 200
    assert "Meeting date must be a real date" in response.content.decode()
    report.refresh_from_db()
    assert report.committee == "Scrutiny Co-ordination Committee"


@pytest.mark.django_db
def test_a_report_of_another_challenge_is_not_found(client, alice, report, northtown):
    from tests import factories

    other = factories.make_challenge(council=northtown, slug="northtown-2019")
    client.force_login(alice)
    url = reverse("committee_report_edit", args=[other.slug, report.pk])
    assert client.get(url).status_code == 404
