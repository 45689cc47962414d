"""Signing in and out: GOV.UK messages, lockout after repeated failures, Argon2, idle expiry."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

URL = reverse("login")


def test_sign_in_takes_the_officer_to_the_page_they_asked_for(client, bob):
    response = client.post(URL, {"username": "bob", "password": PASSWORD,
                                 "next": reverse("my_actions")})
    assert response.status_code == 302 and response.url == reverse("my_actions")


def test_client_login_works_with_axes_when_given_a_request(client, bob):
    # Axes needs the request to count attempts; the test client must pass one.
    assert client.login(request=HttpRequest(), username="bob", password=PASSWORD)
    assert client.get(reverse("my_actions")).status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "", "password": ""}, "Enter your username"),
    ({"username": "bob", "password": ""}, "Enter your password"),
    ({"username": "bob", "password": "wrong"}, "Enter a correct username and password"),
])
def test_bad_sign_in_shows_a_govuk_error(client, bob, data, message):
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert "<title>Error: Sign in" in html


def test_repeated_failures_pause_the_username_at_that_address_only(client, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"username": "bob", "password": "wrong"})
    response = client.post(URL, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="bob", ip_address="127.0.0.1").exists()
    # tests/test_lockout.py has the rest: other addresses, the per-address limit, the page.
    response = client.post(URL, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_a_success_clears_earlier_failures(client, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(URL, {"username": "bob", "password": "wrong"})
    assert client.post(URL, {"username": "bob", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="bob", failures_since_start__gt=0).exists()


def test_sign_out_ends_the_session(client, bob):
    client.force_login(bob)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("my_actions")).status_code == 302


def test_argon2_hashes_new_passwords_in_production_settings():
    from peertrack import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert identify_hasher(make_password("a long passphrase")).algorithm == "argon2"


def test_activity_pushes_the_session_expiry_forward_at_most_once_a_minute(client, bob):
    client.force_login(bob)
    session = client.session
    session["_touched"] = time.time() - 120  # last activity two minutes ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=5))
    client.get(reverse("my_actions"))
    row = Session.objects.get(session_key=session.session_key)
    remaining = (row.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE
    before = row.expire_date
    client.get(reverse("my_actions"))  # again within the minute: nothing written
    assert Session.objects.get(session_key=session.session_key).expire_date == before


def test_an_idle_session_has_expired(client, bob):
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    client.force_login(bob)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("my_actions"))
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_pages_write_no_session_right_after_sign_in(client, bob, django_assert_max_num_queries):
    client.force_login(bob)
    client.get(reverse("my_actions"))
    with django_assert_max_num_queries(50) as captured:
        client.get(reverse("my_actions"))
    assert not [q for q in captured.captured_queries if "UPDATE" in q["sql"]]


def test_the_sign_in_page_explains_the_lockout(client):
    html = client.get(URL).content.decode()
    assert f"After {settings.AXES_FAILURE_LIMIT} wrong passwords" in html
