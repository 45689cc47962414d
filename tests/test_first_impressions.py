"""First impressions (issue #21): the port of `make demo`, a README true for a fresh clone, what the
demo covers, labels that say what a form does, the next action reference offered, My actions, the
late approval warning, why a past rating is unknown, and the admin's name."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import lxml.html
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from recommendations.asof import plan_as_at
from recommendations.management.commands.load_demo import where_to_start
from recommendations.models import Action, DueDateChange
from reviews.models import PositionStatement, ProgressReview
from tests import factories
from tests.factories import make_peer, make_review

ROOT = Path(__file__).resolve().parents[1]


def _page(response):
    return lxml.html.fromstring(response.content)


# --- 1. the port, the README, where to start ------------------------------------------------------


def _make_n(*args: str) -> str:
    # -n prints the commands without running them; -B so nothing counts as already made.
    make = shutil.which("make")
    assert make is not None, "make is not installed"
    result = subprocess.run([make, "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("target", ["demo", "serve"])
def test_make_uses_the_port_it_is_given_everywhere(target):
    commands = _make_n(target, "PORT=8123")
    assert "8000" not in commands
    assert "127.0.0.1:8123" in commands
    server = [line for line in commands.splitlines() if "runserver" in line or "gunicorn" in line]
    assert server and all("127.0.0.1:8123" in line for line in server)
    # The links in the emails it sends use the same port, unless PEERTRACK_BASE_URL is set.
    assert "PEERTRACK_BASE_URL=${PEERTRACK_BASE_URL:-http://127.0.0.1:8123}" in commands


def test_make_demo_uses_port_8000_by_default():
    commands = _make_n("demo")
    assert "runserver 127.0.0.1:8000" in commands
    assert "http://127.0.0.1:8000/" in commands


def test_the_readme_points_only_at_files_a_clone_has():
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme
    linked = re.findall(r"\]\(([^)#\s]+)\)", readme)
    named = re.findall(
        r"`((?:docs|fixtures|recommendations|reviews|notifications|peertrack|templates|tests|bench)"
        r"/[\w./-]*)`",
        readme,
    )
    missing = [path for path in [*linked, *named] if not path.startswith("http") and not (ROOT / path).exists()]
    assert "fixtures/SOURCES.md" in linked
    assert missing == []


def test_the_sources_of_the_demo_data_are_described_in_the_clone():
    sources = (ROOT / "fixtures" / "SOURCES.md").read_text()
    for document in ("9-12 October 2018", "5 February 2020", "10 June 2024", "Appendix B", "22 November 2024"):
        assert document in sources


def test_the_readme_says_what_the_demo_covers_and_why_today_shows_it_overdue():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("### Where to start")
    section = readme[start : readme.index("\n## ", start)]
    assert "22 November 2024" in section and "overdue" in section
    assert "make demo PORT=8001" in readme


def test_where_to_start_says_what_the_demo_covers_at_the_given_address():
    text = where_to_start("http://127.0.0.1:8123")
    assert "up to the LGA progress review of 22 November 2024" in text
    assert "overdue" in text and "the demo's age" in text
    assert "http://127.0.0.1:8123/challenges/coventry-2024/dashboard/?as_of=2024-11-22" in text
    assert "8000" not in text


@pytest.mark.django_db
@override_settings(DEBUG=True, PEERTRACK_BASE_URL="http://127.0.0.1:8123")
def test_load_demo_prints_where_to_start_at_the_demos_address():
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert "Demo logins:" in printed
    assert "Where to start:" in printed
    assert "http://127.0.0.1:8123/my-actions/" in printed


# --- 5. labels, and the next reference --------------------------------------------------------------


@pytest.mark.django_db
def test_the_add_action_form_offers_the_next_free_reference(client, alice, challenge):
    recommendation = factories.make_recommendation(challenge=challenge, number=2)
    for reference in ("2.1", "2.2", "2.3"):
        factories.make_action(recommendation=recommendation, reference=reference)
    client.force_login(alice)
    response = client.get(reverse("action_add", args=[challenge.slug, 2]))
    assert _page(response).get_element_by_id("id_reference").get("value") == "2.4"


@pytest.mark.django_db
def test_the_offered_reference_fills_a_gap_and_can_be_kept(client, alice, challenge, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=3)
    factories.make_action(recommendation=recommendation, reference="3.1")
    factories.make_action(recommendation=recommendation, reference="3.3")
    assert recommendation.next_action_reference() == "3.2"
    client.force_login(alice)
    response = client.post(
        reverse("action_add", args=[challenge.slug, 3]),
        {
            "reference": recommendation.next_action_reference(),
            "description": "Publish the plan.",
            "lead_officer": bob.pk,
            "due_date_day": "31",
            "due_date_month": "3",
            "due_date_year": "2025",
        },
    )
    assert response.status_code == 302
    assert recommendation.next_action_reference() == "3.4"


@pytest.mark.django_db
def test_the_reason_for_a_new_due_date_is_labelled_as_needed_when_the_date_changes(client, alice, challenge, action):
    client.force_login(alice)
    url = reverse("action_edit", args=[challenge.slug, action.pk])
    page = _page(client.get(url))
    label = page.xpath('//label[@for="id_reason"]')[0].text_content().strip()
    assert label == "Why is the due date changing?"
    assert "optional" not in label
    assert "Needed only if you change the due date" in page.get_element_by_id("id_reason-hint").text_content()

    moved = {
        "version": action.version,
        "description": action.description,
        "lead_officer": action.lead_officer_id,
        "due_date_day": "31",
        "due_date_month": "12",
        "due_date_year": "2024",
        "reason": "",
    }
    response = client.post(url, moved)
    assert response.status_code == 200
    assert "Give the reason the due date is changing" in response.content.decode()
    assert not DueDateChange.objects.exists()

    unchanged = {
        **moved,
        "due_date_day": action.due_date.day,
        "due_date_month": action.due_date.month,
        "due_date_year": action.due_date.year,
        "description": "Do the thing, sooner.",
    }
    assert client.post(url, unchanged).status_code == 302


# --- 6. My actions ----------------------------------------------------------------------------------


def make_two_eight_ones(*, council, lead_officer) -> list[Action]:
    """Returns action 8.1 of two challenges of `council` that both still run (2018's and 2024's), in that order.

    tests/browser/test_first_impressions_journey.py tells the same two apart in a browser.
    """
    older = factories.make_challenge(
        council=council,
        slug="northtown-2018",
        title="Corporate Peer Challenge 2018",
        onsite_start=dt.date(2018, 10, 9),
        onsite_end=dt.date(2018, 10, 12),
    )
    newer = factories.make_challenge(council=council, slug="northtown-2024", title="Corporate Peer Challenge 2024")
    due = timezone.localdate() + dt.timedelta(days=45)
    return [
        factories.make_action(
            recommendation=factories.make_recommendation(challenge=challenge, number=8, title="Workforce"),
            reference="8.1", lead_officer=lead_officer, description=words, due_date=due,
        )
        for challenge, words in ((older, "Refresh the workforce strategy with the trade unions."),
                                 (newer, "Run the staff survey again and publish what changed."))
    ]


@pytest.mark.django_db
def test_my_actions_names_each_actions_challenge_and_links_its_own_words(client, bob, northtown):
    make_two_eight_ones(council=northtown, lead_officer=bob)
    client.force_login(bob)
    page = _page(client.get(reverse("my_actions")))
    rows = page.xpath('//table[@id="my-actions"]/tbody/tr')
    assert len(rows) == 2
    seen = {}
    for row in rows:
        challenge_cell = row.xpath('./td[@data-label="Challenge"]')[0].text_content()
        [link] = row.xpath('./td[@data-label="Action"]/a')
        name = " ".join(link.text_content().split())
        seen[name] = challenge_cell
        assert "pt-target" in link.get("class")
    assert set(seen) == {
        "Action 8.1, Corporate Peer Challenge 2018: Refresh the workforce strategy with the trade unions.",
        "Action 8.1, Corporate Peer Challenge 2024: Run the staff survey again and publish what changed.",
    }
    assert (
        "Corporate Peer Challenge 2018"
        in seen["Action 8.1, Corporate Peer Challenge 2018: Refresh the workforce strategy with the trade unions."]
    )
    assert (
        "Corporate Peer Challenge 2024"
        in seen["Action 8.1, Corporate Peer Challenge 2024: Run the staff survey again and publish what changed."]
    )


# --- 8. a late approval, and why a past rating is unknown ----------------------------------------------


@pytest.fixture
def progress_review(challenge, recommendation):
    """Northtown's progress review of 18 November 2024, its statement written for every recommendation."""
    peer = make_peer(challenge=challenge, name="Pat Leader", role="Leader")
    review = make_review(challenge=challenge, peers=[peer])
    PositionStatement.objects.create(review=review, recommendation=recommendation, text="Drafting with partners.")
    return review


def _approve_url(review):
    return review.get_absolute_url() + "statement/approve/"


@pytest.mark.django_db
def test_approving_after_the_review_date_warns_but_is_allowed(client, alice, progress_review):
    client.force_login(alice)
    page = _page(client.get(_approve_url(progress_review)))
    warning = page.get_element_by_id("approve-after-review").text_content()
    assert "The progress review was on 18 November 2024" in warning
    assert "ratings are shown as they stood on that day" in warning
    assert client.post(_approve_url(progress_review)).status_code == 302
    progress_review.refresh_from_db()
    assert progress_review.statement_status == ProgressReview.StatementStatus.APPROVED


@pytest.mark.django_db
def test_approving_before_the_review_date_has_no_warning(client, alice, progress_review):
    progress_review.review_date = timezone.localdate() + dt.timedelta(days=10)
    progress_review.save(update_fields=["review_date"])
    client.force_login(alice)
    page = _page(client.get(_approve_url(progress_review)))
    assert not page.xpath('//*[@id="approve-after-review"]')


@pytest.mark.django_db
def test_a_rating_unknown_at_a_past_date_says_why(challenge, bob):
    planned = factories.make_recommendation(challenge=challenge, number=1)
    started = factories.make_recommendation(challenge=challenge, number=2)
    closed = factories.make_recommendation(challenge=challenge, number=3)
    rated = factories.make_recommendation(challenge=challenge, number=4)
    early = timezone.make_aware(dt.datetime(2024, 1, 10, 12))
    factories.make_action(recommendation=started, lead_officer=bob)
    factories.make_action(recommendation=closed, lead_officer=bob, status=Action.Status.CLOSED)
    on_time = factories.make_action(recommendation=rated, lead_officer=bob)
    Action.objects.filter(recommendation__in=[started, closed, rated]).update(created_at=early)
    factories.make_update(action=on_time, rag="amber", created_at=early)
    then = {item.recommendation.number: item for item in plan_as_at(challenge, dt.date(2024, 1, 18)).recommendations}
    assert (
        then[planned.number].why_not_rated == "No action had been recorded for it by then: the action plan came later."
    )
    assert then[2].why_not_rated == "No progress update had been recorded on its actions by 18 January 2024."
    assert then[3].why_not_rated == "Every action had been closed by 18 January 2024."
    assert then[4].why_not_rated == ""


@pytest.mark.django_db
def test_the_review_explains_a_rating_unknown_at_the_challenge(client, alice, progress_review):
    client.force_login(alice)
    page = _page(client.get(progress_review.get_absolute_url()))
    table = page.xpath('//table[contains(@class, "pt-review-rag-table")]')[0]
    headers = [cell.text_content().strip() for cell in table.xpath(".//thead//th")]
    at_challenge = table.xpath(".//tbody/tr/td")[headers.index("At the challenge") - 1].text_content()
    assert "Not yet rated" in at_challenge
    assert "No action had been recorded for it by then" in at_challenge


# --- 9. the admin -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_carries_the_products_name(client):
    body = client.get("/admin/login/").content.decode()
    page = lxml.html.fromstring(body)
    assert page.get_element_by_id("site-name").text_content().strip() == "peertrack administration"
    assert page.xpath("//title")[0].text_content().strip().endswith("| peertrack administration")
    assert "Django administration" not in body and "Django site admin" not in body
