"""The Notifications list: one's own only, newest first, a page at a time, the unread count in the header."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification
from tests import factories

URL = reverse("notifications")


def make_note(user, council, n=1, **extra):
    values = {"kind": Kind.OVERDUE, "subject": f"action:{n}", "title": f"Action {n} is overdue",
              "body": f"Action {n} was due.\n\nPlease update it.", "url": f"/somewhere/{n}/",
              "email": Notification.Email.NONE, "created_at": timezone.now() - dt.timedelta(minutes=n), **extra}
    return Notification.objects.create(recipient=user, council=council, **values)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_lists_only_ones_own_notifications_newest_first(client, bob, olive, northtown):
    make_note(bob, northtown, 1, title="The newer one")
    make_note(bob, northtown, 2, title="The older one", read_at=timezone.now())
    make_note(olive, northtown, 3, title="Olive's own")
    client.force_login(bob)
    html = client.get(URL).content.decode()
    assert html.index("The newer one") < html.index("The older one")
    assert "Olive's own" not in html
    assert html.count("Unread</strong>") == 1
    assert 'href="/somewhere/1/"' in html
    assert "Please update it." in html


def test_the_header_counts_unread_notifications(client, bob, northtown):
    for n in range(3):
        make_note(bob, northtown, n)
    client.force_login(bob)
    html = client.get(reverse("my_actions")).content.decode()
    assert 'Notifications<span id="notification-count"> <span aria-hidden="true">(3)</span>' in html
    assert ": 3 unread" in html
    Notification.objects.update(read_at=timezone.now())
    html = client.get(reverse("my_actions")).content.decode()
    assert 'Notifications<span id="notification-count"></span>' in html


def test_the_header_counts_for_someone_with_no_membership(client, db, northtown):
    stranger = factories.make_user(username="stranger")
    make_note(stranger, northtown)
    client.force_login(stranger)
    assert '<span aria-hidden="true">(1)</span>' in client.get(reverse("home")).content.decode()


def test_the_header_count_costs_no_query_of_its_own(client, alice, northtown, django_assert_max_num_queries):
    make_note(alice, northtown)
    client.force_login(alice)
    # Session, user, then the memberships with the navigation's counts (unread included).
    with django_assert_max_num_queries(3):
        response = client.get(reverse("accessibility"))
    assert '<span aria-hidden="true">(1)</span>' in response.content.decode()


def test_the_list_is_paged_and_its_queries_do_not_grow(client, bob, northtown, django_assert_max_num_queries):
    for n in range(60):
        make_note(bob, northtown, n)
    client.force_login(bob)
    # Session, user, memberships (header), the count and the page of rows.
    with django_assert_max_num_queries(6):
        first = client.get(URL)
    html = first.content.decode()
    assert html.count("Mark as read<span") == 25 and "Page 1 of 3" in html
    third = client.get(URL + "?page=3").content.decode()
    assert third.count("Mark as read<span") == 10
    for odd in ("?page=99", "?page=abc", "?page=-1", "?page=" + "9" * 40):
        response = client.get(URL + odd)
        assert response.status_code == 200


def test_someone_with_no_notifications_is_told_so(client, carol):
    client.force_login(carol)
    assert "You have no notifications yet." in client.get(URL).content.decode()
