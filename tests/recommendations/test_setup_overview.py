"""The set-up overview: every part of a challenge's set-up with how complete it is, and the way in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge, Recommendation
from recommendations.setup import services
from reviews.models import CommitteeMeeting
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_new_challenge_is_incomplete_everywhere(challenge: PeerChallenge) -> None:
    parts = {part.key: part for part in services.overview(challenge)}
    assert list(parts) == ["details", "themes", "responses", "actions", "peer_team", "meetings"]
    assert not any(part.done for part in parts.values())
    assert parts["themes"].summary == "Themes: 0, 0 of 0 recommendations assigned"


def test_a_complete_set_up_says_so(challenge: PeerChallenge, bob: Any) -> None:
    theme = factories.make_theme(challenge=challenge, name="Place")
    for number in (1, 2, 3):
        recommendation = factories.make_recommendation(
            challenge=challenge, number=number, theme=theme, response=Recommendation.Response.ACCEPTED
        )
        factories.make_action(recommendation=recommendation, lead_officer=bob)
    factories.make_peer(challenge=challenge, name="Pat")
    CommitteeMeeting.objects.create(challenge=challenge, committee="Cabinet", meeting_date=dt.date(2024, 6, 11))
    PeerChallenge.objects.filter(pk=challenge.pk).update(
        feedback_report_date=dt.date(2024, 3, 1),
        feedback_report_published_on=dt.date(2024, 3, 8),
        action_plan_published_on=dt.date(2024, 4, 2),
        people_spoken_to=250,
        feedback_report_url="https://www.example.gov.uk/cpc.pdf",
    )
    challenge.refresh_from_db()
    parts = {part.key: part for part in services.overview(challenge)}
    assert all(part.done for part in parts.values()), [part for part in parts.values() if not part.done]
    assert parts["themes"].summary == "Themes: 1, 3 of 3 recommendations assigned"
    assert parts["responses"].summary == "3 of 3 responses recorded"


def test_overview_page_links_every_part(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    body = client.get(reverse("challenge_setup", kwargs={"slug": challenge.slug})).content.decode()
    for name in (
        "setup_details",
        "setup_themes",
        "setup_responses",
        "setup_peer_team",
        "committee_meetings",
        "action_plan_import",
    ):
        assert f'href="{reverse(name, args=[challenge.slug])}"' in body
    assert "0 of 6 parts complete." in body


def test_challenge_page_offers_set_up_to_coordinators_only(
    client: Any, alice: Any, carol: Any, challenge: PeerChallenge
) -> None:
    setup = reverse("challenge_setup", args=[challenge.slug])
    client.force_login(alice)
    assert f'href="{setup}"' in client.get(challenge.get_absolute_url()).content.decode()
    client.force_login(carol)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert f'href="{setup}"' not in page
    assert "admin" not in page.lower().replace("administrator", "")


def test_overview_is_for_the_councils_coordinators(
    client: Any, bob: Any, mallory: Any, challenge: PeerChallenge
) -> None:
    url = reverse("challenge_setup", args=[challenge.slug])
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(mallory)
    assert client.get(url).status_code == 404


# Wording that sends a person to the admin for their work ("record it in the admin").
SENDS_TO_ADMIN = re.compile(r"\b(in|use|open|via|from) the (django )?admin\b", re.IGNORECASE)


def test_no_page_sends_anyone_to_the_admin_for_day_to_day_work() -> None:
    texts = [*ROOT.glob("templates/**/*.html"), ROOT / "recommendations" / "timetable.py"]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in texts
        for match in SENDS_TO_ADMIN.finditer(path.read_text(encoding="utf-8"))
        if "cannot" not in path.read_text(encoding="utf-8")[max(0, match.start() - 80) : match.start()]
    ]
    assert offenders == []
