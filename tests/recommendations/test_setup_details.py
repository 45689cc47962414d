"""The challenge details set-up page: each part edited in place, with htmx or a plain form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from recommendations import timetable
from recommendations.models import PeerChallenge
from recommendations.setup import services
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _form(client: Any, url: str) -> dict[str, Any]:
    """Returns the form's initial values as the page gave them (the `loaded` fingerprint included)."""
    form = client.get(url, headers=HTMX).context["section"].form
    return {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}


def test_coordinator_sees_each_part_of_the_details(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    response = client.get(reverse("setup_details", args=[challenge.slug]))
    assert response.status_code == 200
    for title in ("The challenge", "The visit in figures", "The feedback report", "Publication"):
        assert f">{title}</h2>" in response.content.decode()
    assert "admin" not in response.content.decode().lower()


def test_plain_post_saves_the_report_dates_keeps_history_and_redirects(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_report", args=[challenge.slug])
    data = {
        **_form(client, url),
        **_date("feedback_report_date", dt.date(2024, 3, 1)),
        **_date("feedback_report_published_on", dt.date(2024, 3, 8)),
        "feedback_report_url": "https://www.example.gov.uk/cpc.pdf",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("/setup/details/#section-report")
    challenge.refresh_from_db()
    assert challenge.feedback_report_published_on == dt.date(2024, 3, 8)
    latest = challenge.history.latest()
    assert latest.history_user == alice
    assert latest.feedback_report_url == "https://www.example.gov.uk/cpc.pdf"


def test_htmx_post_answers_with_the_section_and_what_to_announce(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_figures", args=[challenge.slug])
    data = {**_form(client, url), "people_spoken_to": "250", "meetings_held": "60", "hours_on_site": "280"}
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="pt-setup-section" id="section-figures"')
    assert "<span data-pt-announce>Saved the visit in figures.</span>" in body and "data-pt-swap-focus" in body
    assert "250" in body and "<html" not in body
    challenge.refresh_from_db()
    assert (challenge.people_spoken_to, challenge.meetings_held, challenge.hours_on_site) == (250, 60, 280)


def test_htmx_get_of_a_part_gives_its_form_and_a_plain_get_the_whole_page(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_visit", args=[challenge.slug])
    fragment = client.get(url, headers=HTMX).content.decode()
    assert f'hx-post="{url}"' in fragment and "<html" not in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and f'action="{url}"' in page and "The visit in figures" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"onsite_end_day": "", "onsite_end_month": "", "onsite_end_year": ""}, "Enter the last day on site"),
        (_date("onsite_end", dt.date(2024, 1, 1)), "The last day on site cannot be before the first"),
        (_date("onsite_end", dt.date(2024, 6, 1)), "A peer team is on site for days, not months"),
        ({"onsite_start_year": "9999"}, "Year must be between"),
        ({"title": ""}, "Enter the challenge&#x27;s title"),
        ({"kind": "holiday"}, "Select the kind of challenge from the list"),
    ],
)
def test_visit_form_refuses_bad_values_and_changes_nothing(
    client: Any, alice: Any, challenge: PeerChallenge, data: dict[str, str], message: str
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_visit", args=[challenge.slug])
    before = challenge.history.count()
    response = client.post(url, {**_form(client, url), **data})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "There is a problem" in body
    assert "<title>Error: " in body
    assert challenge.history.count() == before


def test_report_dates_must_follow_the_visit_and_not_be_in_the_future(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_report", args=[challenge.slug])
    before = {**_form(client, url)}
    early = client.post(url, {**before, **_date("feedback_report_date", challenge.onsite_start)})
    assert "cannot be before the last day on site" in early.content.decode()
    future = client.post(
        url, {**before, **_date("feedback_report_published_on", dt.date.today() + dt.timedelta(days=5))}
    )
    assert "cannot be in the future" in future.content.decode()
    swapped = client.post(
        url,
        {
            **before,
            **_date("feedback_report_date", dt.date(2024, 3, 8)),
            **_date("feedback_report_published_on", dt.date(2024, 3, 1)),
        },
    )
    assert "cannot be published before it was received" in swapped.content.decode()
    link = client.post(url, {**before, "feedback_report_url": "javascript:alert(1)"})
    assert "Enter" in link.content.decode() and "There is a problem" in link.content.decode()
    challenge.refresh_from_db()
    assert challenge.feedback_report_date is None and challenge.feedback_report_url == ""


def test_figures_refuse_other_digits_and_huge_numbers(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    url = reverse("setup_details_figures", args=[challenge.slug])
    for value, message in (
        ("٣", "as a whole number"),
        ("9" * 30, "as a whole number"),
        ("100001", "must be 100,000 or fewer"),
        ("-4", "as a whole number"),
    ):
        response = client.post(url, {**_form(client, url), "people_spoken_to": value})
        assert message in response.content.decode(), value
    challenge.refresh_from_db()
    assert challenge.people_spoken_to is None


def test_someone_elses_save_in_the_meantime_is_not_overwritten(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    client.force_login(alice)
    url = reverse("setup_details_figures", args=[challenge.slug])
    loaded = _form(client, url)
    PeerChallenge.objects.filter(pk=challenge.pk).update(people_spoken_to=99)
    response = client.post(url, {**loaded, "people_spoken_to": "250"})
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.people_spoken_to == 99
    # The form now carries the new fingerprint: saving again is a decision taken with the change in view.
    again = client.post(url, {**_form(client, url), "people_spoken_to": "250"})
    assert again.status_code == 302


def test_publication_dates_reach_the_timetable_and_the_progress_review(
    client: Any, alice: Any, challenge: PeerChallenge
) -> None:
    review = factories.make_review(challenge=challenge, review_date=dt.date(2024, 11, 18))
    client.force_login(alice)
    url = reverse("setup_details_publication", args=[challenge.slug])
    data = {
        **_form(client, url),
        **_date("action_plan_published_on", dt.date(2024, 4, 2)),
        **_date("review_report_published_on", dt.date(2024, 12, 20)),
    }
    assert client.post(url, data).status_code == 302
    challenge.refresh_from_db()
    review.refresh_from_db()
    assert challenge.action_plan_published_on == dt.date(2024, 4, 2)
    assert review.report_published_on == dt.date(2024, 12, 20)
    assert review.history.latest().history_user == alice
    steps = {
        step.key: step
        for step in timetable.build_timetable(
            challenge=challenge,
            as_of=dt.date(2025, 1, 31),
            review_dates=[(review.review_date, review.report_published_on)],
        )
    }
    assert steps["action_plan"].recorded_on == dt.date(2024, 4, 2)
    assert steps["progress_review_report"].state == timetable.MET


def test_review_report_cannot_come_before_the_review(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    factories.make_review(challenge=challenge, review_date=dt.date(2024, 11, 18))
    client.force_login(alice)
    url = reverse("setup_details_publication", args=[challenge.slug])
    response = client.post(url, {**_form(client, url), **_date("review_report_published_on", dt.date(2024, 11, 1))})
    assert "cannot be published before the review" in response.content.decode()


def test_timetable_reads_the_publication_date_before_the_day_received(challenge: PeerChallenge) -> None:
    challenge.feedback_report_date = dt.date(2024, 3, 1)
    challenge.feedback_report_published_on = dt.date(2024, 5, 1)
    steps = timetable.build_timetable(challenge=challenge, as_of=dt.date(2024, 6, 1))
    assert steps[0].recorded_on == dt.date(2024, 5, 1)
    assert "Set up pages" in steps[1].recorded_where and "admin" not in steps[1].recorded_where


@pytest.mark.parametrize(
    "name",
    [
        "setup_details",
        "setup_details_visit",
        "setup_details_report",
        "setup_details_figures",
        "setup_details_publication",
    ],
)
def test_other_roles_are_refused_and_other_councils_see_nothing(
    client: Any, bob: Any, carol: Any, dave: Any, mallory: Any, challenge: PeerChallenge, name: str
) -> None:
    url = reverse(name, args=[challenge.slug])
    for user in (bob, carol, dave):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(mallory)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Taken over"}).status_code == (405 if name == "setup_details" else 404)
    challenge.refresh_from_db()
    assert challenge.title == "Corporate Peer Challenge 2024"


def test_archived_challenge_takes_no_change(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    challenge.archive(by=alice)
    client.force_login(alice)
    url = reverse("setup_details_figures", args=[challenge.slug])
    assert client.get(url).status_code == 200
    assert client.post(url, {"people_spoken_to": "5"}).status_code == 403


def test_fingerprint_changes_with_the_values() -> None:
    council = factories.make_council()
    challenge = factories.make_challenge(council=council)
    before = services.fingerprint(challenge, ["title"])
    challenge.title = "Another"
    assert services.fingerprint(challenge, ["title"]) != before
