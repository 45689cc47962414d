"""Self-service password reset: the same answer whether or not the address exists, a rate limit,
the email sent through the task queue with a link that works once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from recommendations.people import reset

pytestmark = pytest.mark.django_db
NEW = "a-fresh-long-passphrase-42"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bob_with_email(bob):
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    return bob


def ask(client, email, capture, address="192.0.2.10"):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def main_text(response):
    content = response.content.decode()
    return re.sub(r"\s+", " ", content[content.index("<main") : content.index("</main>")])


def test_a_known_and_an_unknown_address_get_the_same_answer(client, bob_with_email, django_capture_on_commit_callbacks):
    known = ask(client, "Bob@Northtown.gov.uk", django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@northtown.gov.uk", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bob@northtown.gov.uk"]
    assert main_text(client.get(known["Location"])) == main_text(client.get(unknown["Location"]))


def test_the_link_sets_a_new_password_once(client, bob_with_email, django_capture_on_commit_callbacks):
    ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body)[1]
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    bob_with_email.refresh_from_db()
    assert bob_with_email.check_password(NEW)
    again = client.get(link, follow=True)
    assert "This password reset link is not working" in again.content.decode()


def test_links_use_peertrack_base_url_when_set(client, settings, bob_with_email, django_capture_on_commit_callbacks):
    settings.PEERTRACK_BASE_URL = "https://actions.northtown.example"
    ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks)
    assert "https://actions.northtown.example/account/password/reset/" in mail.outbox[0].body


def test_one_address_gets_at_most_a_few_emails_and_the_page_does_not_change(
    client, bob_with_email, django_capture_on_commit_callbacks
):
    answers = [
        ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks, address=f"192.0.2.{n}")
        for n in range(reset.PER_EMAIL + 2)
    ]
    assert {answer.status_code for answer in answers} == {302}
    assert len(mail.outbox) == reset.PER_EMAIL


def test_one_network_address_is_paused_after_too_many_requests(
    client, bob_with_email, django_capture_on_commit_callbacks
):
    for n in range(reset.PER_ADDRESS):
        assert ask(client, f"someone{n}@northtown.gov.uk", django_capture_on_commit_callbacks).status_code == 302
    limited = ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks)
    assert limited.status_code == 429
    assert "Too many password reset requests" in limited.content.decode()
    assert mail.outbox == []
    # Another address is not affected.
    assert (
        ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks, address="198.51.100.7").status_code
        == 302
    )
    assert len(mail.outbox) == 1


def test_a_bad_address_is_a_clear_error(client):
    response = client.post(reverse("password_reset"), {"email": "not an email"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: " in page and "Enter an email address like" in page


def test_a_member_of_a_council_requiring_single_sign_on_gets_no_email(
    client, settings, bob_with_email, northtown, django_capture_on_commit_callbacks
):
    settings.PEERTRACK_OIDC_ENABLED = True
    northtown.require_sso = True
    northtown.save()
    assert ask(client, "bob@northtown.gov.uk", django_capture_on_commit_callbacks).status_code == 302
    assert mail.outbox == []


def test_the_sign_in_page_links_to_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
