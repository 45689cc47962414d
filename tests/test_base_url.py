"""Links in emails: PEERTRACK_BASE_URL when set, else the address of the request that caused the
email, else a logged guess; and the deploy check that warns when production leaves it unset."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from peertrack import absolute_urls
from peertrack.absolute_urls import RequestOriginMiddleware, absolute_url, check_base_url, email_origin
from recommendations.models import GuestAccess
from recommendations.periods import ReportingPeriod
from tests import factories
from tests.factories import make_peer, make_review
from tests.test_deploy_settings import ROOT, production_env

HOST = "actions.northtown.example"
HOSTS = [HOST, "testserver", "localhost", "127.0.0.1"]


# --- the rule -----------------------------------------------------------------------------------


@override_settings(PEERTRACK_BASE_URL="https://peertrack.example.gov.uk")
def test_the_configured_address_wins_over_the_request():
    assert email_origin("http://localhost:8123") == "https://peertrack.example.gov.uk"
    assert absolute_url("/my-actions/", origin="http://evil.example") == "https://peertrack.example.gov.uk/my-actions/"


@override_settings(PEERTRACK_BASE_URL="")
def test_without_a_configured_address_the_request_origin_is_used():
    assert absolute_url("/my-actions/", origin="https://actions.northtown.example:8443/") == (
        "https://actions.northtown.example:8443/my-actions/"
    )


@override_settings(PEERTRACK_BASE_URL="", ALLOWED_HOSTS=HOSTS)
def test_the_middleware_lends_the_current_requests_origin_and_forgets_it_after():
    seen = []

    def view(request):
        seen.append(absolute_urls.current_origin())
        return None

    request = RequestFactory().get("/", HTTP_HOST=f"{HOST}:8001", secure=True)
    RequestOriginMiddleware(view)(request)
    assert seen == [f"https://{HOST}:8001"]
    assert absolute_urls.current_origin() == ""


@override_settings(
    PEERTRACK_BASE_URL="", ALLOWED_HOSTS=["peertrack.northtown.gov.uk", ".northtown.gov.uk"], SECURE_SSL_REDIRECT=True
)
def test_with_nothing_known_the_guess_is_the_first_named_host_and_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="peertrack.absolute_urls"):
        assert absolute_url("/notifications/") == "https://peertrack.northtown.gov.uk/notifications/"
    assert "PEERTRACK_BASE_URL is not set" in caplog.text


def test_an_empty_path_gives_no_link():
    assert absolute_url("") == ""


# --- the deploy check ---------------------------------------------------------------------------


@override_settings(DEBUG=False, PEERTRACK_BASE_URL="")
def test_the_deploy_check_warns_when_production_has_no_base_url():
    [warning] = check_base_url()
    assert warning.id == "peertrack.W001"
    assert "PEERTRACK_BASE_URL is not set" in warning.msg


@override_settings(DEBUG=False, PEERTRACK_BASE_URL="https://peertrack.example.gov.uk")
def test_the_deploy_check_is_quiet_when_the_base_url_is_set():
    assert check_base_url() == []


def test_manage_check_deploy_names_the_missing_base_url():
    env = production_env()
    del env["PEERTRACK_BASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "peertrack.W001" in result.stdout + result.stderr


def test_a_base_url_without_a_scheme_stops_start_up():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(PEERTRACK_BASE_URL="peertrack.example.gov.uk"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PEERTRACK_BASE_URL must start with https:// or http://" in result.stderr


# --- the emails ---------------------------------------------------------------------------------


@pytest.fixture
def progress_review(challenge):
    """Returns a progress review of Northtown's challenge and a returning peer to invite."""
    peer = make_peer(challenge=challenge, name="Sam Manager", role="Peer Challenge Manager")
    return make_review(challenge=challenge, peers=[peer]), peer


def _invite(client, progress_review, peer):
    ends = timezone.localdate() + dt.timedelta(days=14)
    return client.post(
        progress_review.get_absolute_url() + "guests/",
        {
            "peer": peer.pk,
            "email": "pat@elsewhere.gov.uk",
            "expires_on_day": ends.day,
            "expires_on_month": ends.month,
            "expires_on_year": ends.year,
        },
        HTTP_HOST=f"{HOST}:8443",
        secure=True,
    )


@pytest.mark.parametrize(
    ("base_url", "linked", "not_linked"),
    [
        ("", f"https://{HOST}:8443/", "localhost:8000"),
        ("https://peertrack.northtown.gov.uk", "https://peertrack.northtown.gov.uk/", HOST),
    ],
    ids=["the address the coordinator used", "the configured address when set"],
)
def test_a_guest_invitation_links_to(
    client, settings, alice, progress_review, django_capture_on_commit_callbacks, base_url, linked, not_linked
):
    settings.PEERTRACK_BASE_URL = base_url
    settings.ALLOWED_HOSTS = HOSTS
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite(client, *progress_review).status_code == 302
    [message] = mail.outbox
    assert linked in message.body
    assert not_linked not in message.body
    access = GuestAccess.objects.get(user__email="pat@elsewhere.gov.uk")
    assert access.peer == progress_review[1]


@override_settings(PEERTRACK_BASE_URL="", ALLOWED_HOSTS=HOSTS)
def test_a_notification_caused_by_a_request_links_to_that_address(
    client, alice, bob, challenge, recommendation, django_capture_on_commit_callbacks
):
    bob.email = "bob@northtown.example"
    bob.save(update_fields=["email"])
    action = factories.make_action(
        recommendation=recommendation, lead_officer=bob, due_date=timezone.localdate() + dt.timedelta(days=90)
    )
    action.record_progress(rag="blue", period=ReportingPeriod.current(), narrative="Done.", by=bob)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inbox_return", args=[challenge.slug, action.pk]),
            {"reason": "Please attach the cabinet minutes."},
            HTTP_HOST=HOST,
            secure=True,
        )
    assert response.status_code == 302
    [message] = [sent for sent in mail.outbox if sent.to == ["bob@northtown.example"]]
    assert f"Open it: https://{HOST}{action.get_absolute_url()}" in message.body
    assert f"https://{HOST}/notifications/settings/" in message.body
    html = message.alternatives[0][0]
    assert f'href="https://{HOST}{action.get_absolute_url()}"' in html


@pytest.mark.django_db
@override_settings(PEERTRACK_BASE_URL="https://peertrack.northtown.gov.uk")
def test_the_daily_run_with_no_request_uses_the_configured_address():
    from notifications.delivery import compose
    from notifications.models import Notification

    council = factories.make_council()
    user = factories.make_user(council=council, first_name="Olive")
    user.email = "olive@northtown.example"
    note = Notification(
        recipient=user,
        council=council,
        kind="overdue",
        subject="a",
        title="Overdue",
        body="Action 1.1 is overdue.",
        url="/my-actions/",
    )
    message = compose([note], summary=False)
    assert "Open it: https://peertrack.northtown.gov.uk/my-actions/" in message.body
