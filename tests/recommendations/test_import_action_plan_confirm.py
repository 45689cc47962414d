"""Confirming a previewed action plan import: re-checked on the server, all or nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from recommendations.models import Action
from tests import factories
from tests.recommendations.import_helpers import after_import_url, row_counts, upload, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

ROWS = [
    ["1.1", 1, "Draft the masterplan", "Bob Lead", "", "Place", "01/02/2024", "31/07/2024", "Green", "Started."],
    ["", 1, "Consult partners", "", "", "", "", "", "", ""],
]


@pytest.fixture
def plan(challenge):
    factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    return challenge


def _preview(client, challenge, rows=ROWS):
    body = client.post(
        reverse("action_plan_import", args=[challenge.slug]), {"file": upload(xlsx_bytes(rows))}
    ).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body)[1]
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', body)[1]
    return {"token": token, "fingerprint": fingerprint}


def _url(challenge):
    return reverse("action_plan_import_confirm", args=[challenge.slug])


def test_confirming_imports_every_row_and_shows_the_plan(client, alice, bob, plan, media_root):
    client.force_login(alice)
    form = _preview(client, plan)
    response = client.post(_url(plan), form, follow=True)
    assert response.redirect_chain[-1][0] == after_import_url(plan)
    assert (
        "The action plan was imported: 2 new, 0 changed and 0 unchanged actions; 1 progress "
        "updates recorded." in response.content.decode()
    )
    actions = {a.reference: a for a in Action.objects.all()}
    assert set(actions) == {"1.1", "1.2"}
    assert actions["1.1"].lead_officer == bob
    assert actions["1.1"].history.first().history_user == alice
    assert not list(media_root.glob("imports/*"))


def test_the_same_file_again_changes_nothing(client, alice, plan):
    client.force_login(alice)
    client.post(_url(plan), _preview(client, plan))
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), _preview(client, plan), follow=True)
    assert "Nothing changed: the action plan already matched the spreadsheet." in response.content.decode()
    assert row_counts("recommendations", "reviews") == before


def test_a_token_cannot_be_used_twice_or_by_someone_else(client, alice, plan, northtown):
    other = factories.make_user(username="cora", council=northtown, role="coordinator")
    client.force_login(alice)
    form = _preview(client, plan)
    client.force_login(other)
    response = client.post(_url(plan), form, follow=True)
    assert "That upload could not be found or has expired" in response.content.decode()
    assert not Action.objects.exists()
    client.force_login(alice)
    client.post(_url(plan), form)
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), form, follow=True)
    assert "That upload could not be found or has expired" in response.content.decode()
    assert row_counts("recommendations", "reviews") == before


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 40])
def test_a_forged_token_is_refused(client, alice, plan, token):
    client.force_login(alice)
    response = client.post(_url(plan), {"token": token, "fingerprint": "x"})
    assert response.status_code == 302
    assert response.url == reverse("action_plan_import", args=[plan.slug])
    assert not Action.objects.exists()


def test_a_plan_changed_after_the_preview_is_shown_again_and_nothing_is_written(client, alice, plan):
    client.force_login(alice)
    form = _preview(client, plan)
    factories.make_action(
        recommendation=plan.recommendations.get(number=1),
        reference="1.1",
        description="Added meanwhile by someone else",
    )
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The action plan changed after you saw the preview, so nothing was imported" in body
    assert row_counts("recommendations", "reviews") == before
    # The fresh preview can be confirmed.
    new = re.search(r'name="fingerprint" value="([^"]+)"', body)[1]
    client.post(_url(plan), {"token": form["token"], "fingerprint": new})
    assert Action.objects.get(reference="1.1").description == "Draft the masterplan"


def test_an_upload_older_than_two_hours_has_expired(client, alice, plan, media_root):
    client.force_login(alice)
    form = _preview(client, plan)
    note = next(media_root.glob("imports/*.json"))
    data = json.loads(note.read_text())
    data["saved"] -= 2 * 60 * 60 + 1
    note.write_text(json.dumps(data))
    response = client.post(_url(plan), form, follow=True)
    assert "That upload could not be found or has expired" in response.content.decode()
    assert not Action.objects.exists()
    assert not list(media_root.glob("imports/*"))


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, alice, plan):
    client.force_login(alice)
    form = _preview(client, plan)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(plan), form).status_code == 403
    assert not Action.objects.exists()


def test_another_councils_user_gets_not_found(client, mallory, plan):
    client.force_login(mallory)
    assert client.post(_url(plan), {"token": "x" * 43}).status_code == 404


def test_anonymous_user_is_sent_to_sign_in(client, plan):
    response = client.post(_url(plan), {"token": "x" * 43})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_get_is_not_allowed(client, alice, plan):
    client.force_login(alice)
    assert client.get(_url(plan)).status_code == 405
