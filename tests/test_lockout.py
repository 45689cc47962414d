"""Sign-in lockout: a username is paused at one address only, an address has its own higher limit,
the paused page says for how long, and a client cannot choose the address it is counted under."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from peertrack.lockout import client_ip
from tests.factories import PASSWORD
from tests.test_deploy_settings import manage, production_env

URL = reverse("login")
ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"
WRONG = "not the password"


@pytest.fixture(autouse=True)
def _limits(settings):
    """Pins the limits the tests count against, whatever the environment says."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.PEERTRACK_LOCKOUT_ADDRESS_FAILURES = 20
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.PEERTRACK_TRUSTED_PROXIES = 0


def sign_in(client, username, password=WRONG, address=ATTACKER, **meta):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=address, **meta)


def main_text(response):
    """Returns the words of the page's main content, without tags."""
    html = response.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def fail_five_times(client, username="bob", address=ATTACKER, **meta):
    return [sign_in(client, username, address=address, **meta) for _ in range(5)]


def test_failures_from_one_address_do_not_lock_the_user_out_at_another(client, bob):
    fail_five_times(client)
    response = sign_in(client, "bob", PASSWORD, address=OFFICE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_username_is_paused_at_the_address_the_failures_came_from(client, bob):
    responses = fail_five_times(client)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    response = sign_in(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_usernames_at_that_address_are_not_paused(client, bob, alice):
    fail_five_times(client)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_reaches_the_address_limit(client, alice):
    statuses = [sign_in(client, f"guess{n}").status_code for n in range(20)]
    assert statuses == [200] * 19 + [429]
    assert "from your network address, so signing in from this address is paused" in main_text(
        sign_in(client, "alice", PASSWORD))
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "alice", PASSWORD, address=OFFICE).status_code == 302


def test_the_paused_page_says_how_long_and_what_to_do(client, bob):
    response = fail_five_times(client)[-1]
    text = main_text(response)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in text
    assert "5 unsuccessful attempts to sign in with this username from your network address" in text
    assert "Try again in 15 minutes." in text
    assert "ask your IT administrator to reset it" in text
    assert "no-store" in response["Cache-Control"]


def test_the_paused_page_does_not_say_whether_the_username_exists(client, bob):
    known = main_text(fail_five_times(client, "bob")[-1])
    unknown = main_text(fail_five_times(client, "nobody-by-this-name")[-1])
    assert known == unknown
    assert not re.search(r"\bbob\b", known)


def test_the_paused_page_counts_down_and_waiting_attempts_do_not_extend_it(client, bob):
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=10))
    response = sign_in(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "Try again in 5 minutes." in main_text(response)
    assert AccessAttempt.objects.get().failures_since_start == 5  # the paused attempt not counted


def test_the_pause_ends_after_the_cool_off(client, bob):
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(client, bob):
    for _ in range(4):
        sign_in(client, "bob")
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    client.logout()
    assert [sign_in(client, "bob").status_code for _ in range(4)] == [200] * 4
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_is_ignored_when_not_behind_a_proxy(client, bob):
    statuses = [sign_in(client, "bob", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
                for n in range(5)]
    assert statuses[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, bob, settings):
    settings.PEERTRACK_TRUSTED_PROXIES = 1
    fail_five_times(client, address="10.0.0.2", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = sign_in(client, "bob", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR=OFFICE)
    assert response.status_code == 302


def test_behind_a_proxy_a_client_cannot_dodge_the_limit_with_its_own_header(client, bob, settings):
    settings.PEERTRACK_TRUSTED_PROXIES = 1
    # The client sends its own X-Forwarded-For; our proxy appends the address it really came from.
    statuses = [sign_in(client, "bob", address="10.0.0.2",
                        HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}").status_code for n in range(5)]
    assert statuses[-1] == 429


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "192.0.2.1", "10.0.0.2"),  # not behind a proxy: the header is the client's claim
    (1, "192.0.2.1", "192.0.2.1"),
    (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the left entry is the client's claim
    (2, "192.0.2.66, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
    (2, "192.0.2.1", "10.0.0.2"),  # fewer entries than proxies: not through them all
    (1, "", "10.0.0.2"),
    (1, "not-an-address", "10.0.0.2"),
    (1, "2001:db8::1", "2001:db8::1"),
    (1, "192.0.2.1\x00", "10.0.0.2"),
])
def test_client_ip_reads_only_what_our_proxies_added(settings, proxies, forwarded, expected):
    settings.PEERTRACK_TRUSTED_PROXIES = proxies
    request = RequestFactory().post(URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_server_without_a_client_address_still_counts_the_username(client, bob):
    # gunicorn on a Unix socket passes an empty REMOTE_ADDR; PostgreSQL would refuse it as an address.
    statuses = [sign_in(client, "bob", address="").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]


def test_a_malformed_address_header_never_gives_a_server_error(client, bob, settings):
    settings.PEERTRACK_TRUSTED_PROXIES = 1
    response = sign_in(client, "bob", address="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>, ::::")
    assert response.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.2"}


@pytest.mark.parametrize("variable", ["PEERTRACK_LOCKOUT_FAILURES", "PEERTRACK_LOCKOUT_ADDRESS_FAILURES",
                                      "PEERTRACK_LOCKOUT_MINUTES"])
def test_a_limit_below_one_stops_start_up_with_a_clear_message(variable):
    result = manage("check", env=production_env(**{variable: "0"}))
    assert result.returncode != 0
    assert f"{variable} must be at least 1" in result.stderr


def test_a_negative_proxy_count_stops_start_up_with_a_clear_message():
    result = manage("check", env=production_env(PEERTRACK_BEHIND_PROXY="1", PEERTRACK_TRUSTED_PROXIES="-1"))
    assert result.returncode != 0
    assert "PEERTRACK_TRUSTED_PROXIES must be 0 or more" in result.stderr


@pytest.mark.parametrize("username", ["bob\x00", "b" * 300, "bob\u202e", " "])
def test_an_odd_username_gets_the_sign_in_page_not_a_server_error(client, bob, username):
    response = sign_in(client, username)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
