"""Changing your password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("password_change")
NEW = "tangerine-lighthouse-sofa-92"


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response.url


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave", "mallory"])
def test_every_signed_in_user_can_change_their_password(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"old_password": PASSWORD, "new_password1": NEW,
                                 "new_password2": NEW})
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert "Password changed" in client.get(response.url).content.decode()
    assert client.get(reverse("my_actions")).status_code == 200  # still signed in


@pytest.mark.parametrize(("data", "message"), [
    ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
     "Your old password was entered incorrectly"),
    ({"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
     "The two password fields didn"),
    ({"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
     "This password is too common"),
])
def test_bad_input_keeps_the_old_password(client, bob, data, message):
    client.force_login(bob)
    html = client.post(URL, data).content.decode()
    assert "There is a problem" in html and message in html
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)
