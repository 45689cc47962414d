"""Adding and changing a theme: its heading, the recommendations it maps to and the peers' feedback."""

from __future__ import annotations

import pytest

from reviews.models import ReviewTheme
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_access


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_add_a_theme(client, everyone, username, status, review, recommendation):
    url = review.get_absolute_url() + "themes/new/"
    assert_access(client, username, status, url,
                  posts=[(url, {"name": "Workforce", "recommendations": [recommendation.pk]})])
    assert review.themes.count() == 1


def test_a_coordinator_maps_a_theme_to_several_recommendations(client, alice, review, challenge, recommendation):
    second = factories.make_recommendation(challenge=challenge, number=2, title="Workforce diversity")
    client.force_login(alice)
    response = client.post(review.get_absolute_url() + "themes/new/", {
        "name": "Workforce", "recommendations": [recommendation.pk, second.pk],
        "feedback": "Diversity remains a key issue.", "mapping_note": ""})
    assert response.status_code == 302
    theme = review.themes.get(name="Workforce")
    assert set(theme.recommendations.all()) == {recommendation, second}
    assert theme.position == 2
    assert theme.feedback == "Diversity remains a key issue."


def test_a_coordinator_records_the_peers_feedback_on_an_existing_theme(client, alice, theme, recommendation):
    client.force_login(alice)
    url = theme.review.get_absolute_url() + f"themes/{theme.pk}/"
    assert "The peers saw real progress" in client.get(url).content.decode()
    client.post(url, {"name": theme.name, "recommendations": [recommendation.pk],
                      "feedback": "New feedback from the report."})
    theme.refresh_from_db()
    assert theme.feedback == "New feedback from the report."
    assert theme.history.first().history_user == alice


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "recommendations": []}, "Enter the theme heading"),
    ({"name": "Finance"}, "Select at least one recommendation this theme covers"),
    ({"name": "City centre working", "recommendations": ["REC"]}, "This review already has a theme with that name"),
    ({"name": "Finance", "recommendations": ["999999"]}, "Select recommendations from the list"),
])
def test_bad_input_is_explained_and_changes_nothing(client, alice, review, recommendation, data, message):
    data = {key: ([recommendation.pk] if value == ["REC"] else value) for key, value in data.items()}
    client.force_login(alice)
    response = client.post(review.get_absolute_url() + "themes/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReviewTheme.objects.count() == 1


def test_another_reviews_theme_is_not_found(client, alice, review, theme, challenge):
    import datetime as dt

    from tests.factories import make_review

    other = make_review(challenge=challenge, review_date=dt.date(2025, 1, 5))
    client.force_login(alice)
    assert client.get(other.get_absolute_url() + f"themes/{theme.pk}/").status_code == 404
