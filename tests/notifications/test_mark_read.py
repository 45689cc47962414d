"""Marking one notification read, or all of them: one's own only, odd input answered in words."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification
from tests.notifications.test_notification_list import make_note

READ = reverse("notification_read")
READ_ALL = reverse("notifications_read_all")


def _messages(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_marks_ones_own_notification_read(client, bob, northtown):
    note = make_note(bob, northtown)
    other = make_note(bob, northtown, 2)
    client.force_login(bob)
    response = client.post(READ, {"notification": note.pk, "page": "2"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=2"
    note.refresh_from_db(), other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None
    assert _messages(response) == ["The notification is marked as read."]


def test_someone_elses_notification_is_answered_as_not_found(client, bob, olive, northtown):
    theirs = make_note(olive, northtown)
    client.force_login(bob)
    response = client.post(READ, {"notification": theirs.pk})
    assert response.status_code == 302
    assert _messages(response) == ["That notification could not be found, so nothing was marked. "
                                   "Reload the page and try again."]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_odd_input_is_answered_in_words(client, bob):
    client.force_login(bob)
    for value in ("", "abc", "-1", "1.5", "9" * 40, "٣"):
        response = client.post(READ, {"notification": value})
        assert response.status_code == 302, value
        assert "could not be found" in _messages(response)[0]


def test_marks_all_of_ones_own_read(client, bob, olive, northtown):
    for n in range(3):
        make_note(bob, northtown, n)
    theirs = make_note(olive, northtown, 9)
    client.force_login(bob)
    response = client.post(READ_ALL)
    assert _messages(response) == ["3 notifications are marked as read."]
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert _messages(client.post(READ_ALL))[-1] == "You had no unread notifications."


def test_htmx_gets_the_list_and_the_new_count(client, bob, northtown):
    note = make_note(bob, northtown)
    make_note(bob, northtown, 2)
    client.force_login(bob)
    response = client.post(READ, {"notification": note.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="notifications">')
    assert '<span id="notification-count" hx-swap-oob="true"> <span aria-hidden="true">(1)</span>' in html
    assert "The notification is marked as read." in html
    assert "<header" not in html


def test_get_is_not_allowed(client, bob):
    client.force_login(bob)
    assert client.get(READ).status_code == 405
    assert client.get(READ_ALL).status_code == 405
