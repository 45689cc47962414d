# ruff: noqa: F811  (the provider fixtures are imported by name, then asked for by name)
"""Single sign-on through a real OpenID Provider (tests/oidc/provider.mjs, npm oidc-provider v9).

Each person signs in at the provider's own login page and lands where their role leads: a
coordinator in "Needs your attention", a lead officer in My actions, an invited person (whose
invitation the sign-in accepts) on their challenges. Refused: an unknown person (told whom to ask),
an unverified email, a token from the wrong issuer, a token whose signature does not verify against
the keys, and a replayed callback (state already used). Pages pass axe at 1280 and 320 px.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from recommendations.models import Invitation, Membership
from tests import factories
from tests.browser.conftest import assert_fits
from tests.oidc.fixtures import oidc_provider, sso_settings  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
LABEL = "Sign in with Microsoft"


@pytest.fixture
def people(northtown: Any, alice: Any, bob: Any, dave: Any, action: Any) -> dict[str, Any]:
    for person in (alice, bob, dave):
        person.email = f"{person.username}@northtown.gov.uk"
        person.save()
    return {"alice": alice, "bob": bob, "dave": dave, "action": action}


def sso_sign_in(page: Any, email: str) -> None:
    """Signs in through the provider's development login page (any password) and its consent page."""
    page.goto("/sign-in/")
    page.get_by_role("link", name=LABEL).click()
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password at all")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    consent = page.locator("button[type=submit]", has_text="Continue")
    if consent.count():
        consent.click()
    page.wait_for_load_state()


def test_people_sign_in_through_the_provider_and_land_where_their_role_leads(
    page: Any, live_server: Any, sso_settings: Any, people: dict[str, Any]
) -> None:
    page.goto("/sign-in/")
    assert_fits(page, "sso-sign-in")

    sso_sign_in(page, "Alice@Northtown.gov.uk")
    assert page.url == f"{live_server.url}/inbox/"
    assert "Alice Coordinator" in page.locator("#signed-in-as").inner_text()

    # Sign-out ends peertrack's session and offers the provider's end-session (RP-initiated logout).
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="You have signed out of peertrack").is_visible()
    assert_fits(page, "sso-signed-out")
    page.get_by_role("link", name="Sign out of single sign-on too").click()
    page.wait_for_load_state()
    page.locator("button[type=submit]").first.click()  # the provider asks "sign out?"; yes
    page.wait_for_url(f"{live_server.url}/sign-in/")
    page.goto("/my-actions/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")

    sso_sign_in(page, "bob@northtown.gov.uk")
    assert page.url == f"{live_server.url}/my-actions/"


def test_an_invited_person_signs_in_and_the_invitation_is_accepted(
    page: Any, live_server: Any, sso_settings: Any, people: dict[str, Any], northtown: Any
) -> None:
    now = timezone.now()
    Invitation.objects.create(
        council=northtown,
        email="nina@northtown.gov.uk",
        first_name="Nina",
        role=Membership.Role.SCRUTINY,
        token_hash="0" * 64,
        sent_at=now,
        expires_at=now + dt.timedelta(days=7),
        invited_by=people["dave"],
    )
    sso_sign_in(page, "nina@northtown.gov.uk")
    assert page.url == f"{live_server.url}/"
    membership = Membership.objects.get(user__email="nina@northtown.gov.uk")
    assert membership.role == Membership.Role.SCRUTINY
    assert Invitation.objects.get().accepted_by == membership.user
    assert not membership.user.has_usable_password()


def test_an_unknown_person_is_told_whom_to_ask_and_gets_nothing(
    page: Any, live_server: Any, sso_settings: Any, people: dict[str, Any]
) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    sso_sign_in(page, "stranger@northtown.gov.uk")
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "unknown"
    text = page.locator("main").inner_text()
    assert "There is no peertrack account for this email address" in text
    assert "At Northtown Council, ask Dave Admin" in text
    assert_fits(page, "sso-refused")
    assert get_user_model().objects.count() == users
    page.goto("/my-actions/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")


def test_a_deactivated_member_is_refused(
    page: Any,
    live_server: Any,
    sso_settings: Any,
    people: dict[str, Any],
) -> None:
    Membership.objects.filter(user=people["bob"]).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    sso_sign_in(page, "bob@northtown.gov.uk")
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "unknown"


def test_an_unverified_email_is_refused(
    page: Any,
    live_server: Any,
    sso_settings: Any,
    people: dict[str, Any],
    northtown: Any,
) -> None:
    factories.make_user(username="uv", council=northtown, email="unverified@northtown.gov.uk")
    sso_sign_in(page, "unverified@northtown.gov.uk")
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "unverified"
    page.goto("/my-actions/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PEERTRACK_OIDC_ISSUER", lambda provider: f"{provider.issuer}/someone-else"),
        ("OIDC_OP_JWKS_ENDPOINT", lambda provider: provider.wrong_jwks),  # same key id, another key
    ],
    ids=["from the wrong issuer", "whose signature does not verify"],
)
def test_a_token_that_cannot_be_confirmed_is_refused(
    page: Any,
    live_server: Any,
    sso_settings: Any,
    oidc_provider: Any,
    people: dict[str, Any],
    setting: str,
    value: Any,
) -> None:
    setattr(sso_settings, setting, value(oidc_provider))
    sso_sign_in(page, "alice@northtown.gov.uk")
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "unconfirmed"
    page.goto("/inbox/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")


def test_a_replayed_callback_is_refused(
    page: Any,
    chromium: Any,
    live_server: Any,
    sso_settings: Any,
    people: dict[str, Any],
) -> None:
    callbacks: list[str] = []
    page.on(
        "request", lambda request: callbacks.append(request.url) if "/sign-in/sso/callback/" in request.url else None
    )
    sso_sign_in(page, "alice@northtown.gov.uk")
    assert page.url == f"{live_server.url}/inbox/" and len(callbacks) == 1
    # The same code and state again, in the same browser: the state was used, so it is refused (and signed out).
    page.goto(callbacks[0])
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "replayed"
    page.goto("/inbox/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    # And in another browser, which never started the sign-in.
    other = chromium.new_context(base_url=live_server.url)
    try:
        stranger = other.new_page()
        stranger.goto(callbacks[0])
        assert stranger.locator("#sso-refusal").get_attribute("data-reason") == "replayed"
    finally:
        other.close()
