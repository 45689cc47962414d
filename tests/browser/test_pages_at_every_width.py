"""Every page that reads the plan as at a date, for each person who lands on it, at 1280, 390 (a
phone) and 320 px.

axe-core (WCAG 2.2 AA) finds nothing, the page does not scroll sideways, and a screenshot is kept
for a person to look at (screenshots/pages-<name>-<width>.png). tests/browser/test_crawl.py checks
every other page; this one keeps the pictures of these at a phone's width.
"""

from __future__ import annotations

import pytest

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action, PeerChallenge
from reviews.models import ProgressReview
from tests.browser.conftest import assert_fits, sign_in


def _pages(person: str) -> dict[str, str]:
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    action = Action.objects.filter(recommendation__challenge=challenge).order_by("reference").first()
    assert action is not None
    review = ProgressReview.objects.filter(challenge=challenge).first()
    pages = {
        "home": "/",
        "challenge": challenge.get_absolute_url(),
        "archived-challenge": PeerChallenge.objects.get(slug="coventry-2018").get_absolute_url(),
        "recommendation": action.recommendation.get_absolute_url(),
        "action": action.get_absolute_url(),
        "dashboard": f"/challenges/{challenge.slug}/dashboard/",
        "dashboard-past": f"/challenges/{challenge.slug}/dashboard/?as_of=2024-11-22",
        "plan": f"/challenges/{challenge.slug}/plan/?status=in_progress&status=returned",
        "portfolio": "/portfolio/",
    }
    if review is not None:
        pages["review"] = review.get_absolute_url()
    if person == "officer":
        pages["my-actions"] = "/my-actions/"
    return pages


@pytest.mark.parametrize("person", ["officer", "scrutiny"])
def test_pages_pass_axe_and_fit_a_phone(page, demo, person):
    sign_in(page, person, DEMO_PASSWORDS[person])
    landed = page.url
    for name, url in _pages(person).items():
        page.goto(url)
        assert_fits(page, f"pages-{person}-{name}", (1280, 390, 320))
    assert landed.endswith("/my-actions/" if person == "officer" else "/")
