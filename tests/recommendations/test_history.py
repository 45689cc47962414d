"""History rows record who changed what, including changes made in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.models import Recommendation


@pytest.mark.django_db
def test_admin_change_records_the_user_and_the_old_and_new_values(client, recommendation):
    from tests.recommendations.test_admin import make_staff_coordinator

    alice = make_staff_coordinator(recommendation.challenge.council)
    client.force_login(alice)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "challenge": recommendation.challenge.pk, "number": 1, "title": "City centre vision",
        "text": recommendation.text, "response": "accepted", "response_reasons": "",
        "response_narrative": "", "sub_points": "[]", "theme": "",
        "actions-TOTAL_FORMS": 0, "actions-INITIAL_FORMS": 0,
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest, previous = Recommendation.history.filter(id=recommendation.pk)[:2]
    assert latest.history_user == alice
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(previous).changes}
    assert changes["title"] == ("City centre masterplan", "City centre vision")
    assert changes["response"] == ("not_recorded", "accepted")


# Rows that are not the plan's record: their own log says what happened, or they are a remembered guess.
BOOKKEEPING = {
    "SubmissionKey",  # peertrack.idempotency's record of answered submissions
    "ImportColumnMapping",  # the column choices an import remembers as the next upload's guess
    "PackJob",  # a queued preview or issue of a pack: the issued pack and its hashes are the record
}


@pytest.mark.django_db
def test_every_domain_model_keeps_history():
    from django.apps import apps

    domain = [m for m in apps.get_models() if m._meta.app_label in {"recommendations", "reviews"}
              and not m.__name__.startswith("Historical")
              and m.__name__ not in BOOKKEEPING]
    without = [m.__name__ for m in domain if not hasattr(m, "history")]
    assert without == []
