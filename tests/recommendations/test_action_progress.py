"""Recording progress: who may, what is checked, and what htmx and plain forms get back."""

from __future__ import annotations

import cssselect2
import pytest
import tinyhtml5
from django.urls import reverse

from recommendations.forms import open_periods
from recommendations.models import Action, ProgressUpdate
from tests import factories
from tests.forms_helpers import assert_refused


def url(action: Action) -> str:
    return reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk])


def valid(**overrides: str) -> dict[str, str]:
    data = {"rag": "amber", "period": open_periods()[0].key, "narrative": "Consultation slipped.",
            "evidence": "https://example.org/report", "next_steps": "Report to cabinet."}
    data.update(overrides)
    return data


def swapped_out_of_band(html: str) -> set[str]:
    """Returns the ids of the elements an htmx response swaps in out of band, beside its main fragment."""
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html))
    return {element.id for element in root.query_all('[hx-swap-oob="true"]')}


def test_lead_officer_records_progress_and_is_redirected_with_a_banner(client, action, bob):
    client.force_login(bob)
    response = client.post(url(action), valid())
    assert response.status_code == 302
    assert response.url == action.get_absolute_url() + "#timeline"
    update = action.updates.get()
    assert (update.rag, update.author, update.narrative) == ("amber", bob, "Consultation slipped.")
    assert update.period == open_periods()[0]
    page = client.get(response.url).content.decode()
    assert "Your progress update has been saved." in page


def test_coordinator_records_progress_on_any_action_of_the_council(client, action, alice):
    client.force_login(alice)
    assert client.post(url(action), valid()).status_code == 302
    assert action.updates.get().author == alice


@pytest.mark.parametrize("persona", ["olive", "carol", "dave"])
def test_others_in_the_council_are_forbidden(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url(action), valid()).status_code == 403
    assert not action.updates.exists()


def test_another_councils_officer_gets_404(client, action, mallory):
    client.force_login(mallory)
    assert client.post(url(action), valid()).status_code == 404
    assert not action.updates.exists()


def test_anonymous_post_is_sent_to_sign_in(client, action):
    response = client.post(url(action), valid())
    assert response.status_code == 302 and "/sign-in/" in response.url
    assert not action.updates.exists()


def test_get_is_not_allowed(client, action, bob):
    client.force_login(bob)
    assert client.get(url(action)).status_code == 405


@pytest.mark.parametrize(("overrides", "message"), [
    ({"rag": ""}, "Select a RAG rating"),
    ({"rag": "purple"}, "Select a RAG rating from the list"),
    ({"narrative": ""}, "Enter what has been done"),
    ({"narrative": "x" * (ProgressUpdate.NARRATIVE_MAX_LENGTH + 1)},
     "What has been done must be 5,000 characters or fewer"),
    ({"period": open_periods()[0].next().key}, "The reporting period cannot be in the future"),
    ({"period": "2099/00 Q9"}, "Select a reporting period from the list"),
    ({"period": "2001-Q1"}, "Updates can only be recorded for"),
])
def test_bad_input_shows_the_error_and_changes_nothing(client, action, bob, overrides, message):
    client.force_login(bob)
    response = client.post(url(action), valid(**overrides))
    assert_refused(response, message, rows=action.updates, count=0)
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count(message) >= 2  # in the summary and at the field
    assert "<title>Error:" in html
    action.refresh_from_db()
    assert action.version == 1


def test_form_keeps_what_was_typed_when_it_is_rejected(client, action, bob):
    client.force_login(bob)
    html = client.post(url(action), valid(rag="", narrative="Kept <b>text</b>")).content.decode()
    assert "Kept &lt;b&gt;text&lt;/b&gt;</textarea>" in html


def test_htmx_gets_the_form_timeline_status_and_panel_fragments(client, action, bob):
    client.force_login(bob)
    response = client.post(url(action), valid(), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="record-progress"' in html
    assert swapped_out_of_band(html) == {"timeline", "action-status", "my-actions-panel"}
    assert "Consultation slipped." in html
    assert "Your progress update has been saved." in html
    assert action.updates.count() == 1


def test_htmx_with_bad_input_gets_only_the_form_with_errors(client, action, bob):
    client.force_login(bob)
    response = client.post(url(action), valid(rag=""), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Select a RAG rating" in html
    assert "hx-swap-oob" not in html


def test_blue_reports_the_action_complete_for_sign_off(client, action, bob):
    client.force_login(bob)
    client.post(url(action), valid(rag="blue", narrative="All done."))
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF
    assert action.completion_reported_by == bob


def test_a_complete_action_takes_no_updates(client, recommendation, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.COMPLETE)
    client.force_login(bob)
    html = client.post(url(action), valid()).content.decode()
    assert "takes no more updates" in html
    assert not action.updates.exists()


def test_a_correction_is_a_new_update_and_both_stay_visible(client, action, bob):
    client.force_login(bob)
    client.post(url(action), valid(narrative="Wrong figure: 50%."))
    client.post(url(action), valid(narrative="Correction: 40%."))
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Wrong figure: 50%." in html and "Correction: 40%." in html
    assert action.updates.count() == 2
