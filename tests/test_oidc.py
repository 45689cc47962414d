"""Single sign-on without a provider running: configuration, the password rule for councils that
require it, the matching rule, and the ID token checks (signature, issuer, audience, expiry).

The flows through a real provider are in tests/browser/test_oidc_journey.py.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from peertrack import oidc
from recommendations.models import GuestAccess, Invitation, Membership
from recommendations.people import services
from tests import factories

pytestmark = pytest.mark.django_db
ISSUER = "https://login.example.test/tenant/v2.0"
CLIENT = "peertrack-client"


def _key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY = _key(), _key()


def public_pem(key: Any) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def token(key: Any = KEY, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": CLIENT, "sub": "s1", "nonce": "n1", "iat": now, "exp": now + 300, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256")


@pytest.fixture
def backend(settings: Any) -> oidc.Backend:
    settings.PEERTRACK_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    found = oidc.Backend()
    found.issuer = ISSUER
    found.OIDC_RP_IDP_SIGN_KEY = public_pem(KEY)
    return found


def test_a_good_token_is_accepted(backend: oidc.Backend) -> None:
    assert backend.verify_token(token(), nonce="n1")["sub"] == "s1"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"iss": "https://evil.example.test/"}, KEY),  # wrong issuer
        ({"iss": None}, KEY),
        ({"aud": "someone-else"}, KEY),  # issued to another application
        ({"aud": [CLIENT, "other"], "azp": "other"}, KEY),
        ({"exp": int(time.time()) - 10}, KEY),  # expired
        ({"exp": None}, KEY),
        ({"nonce": "another"}, KEY),  # not the nonce this browser was given
        ({}, OTHER_KEY),  # bad signature
    ],
)
def test_a_bad_token_is_refused(backend: oidc.Backend, changes: dict[str, Any], key: Any) -> None:
    with pytest.raises((SuspiciousOperation, jwt.PyJWTError)):
        backend.verify_token(token(key, **changes), nonce="n1")


def test_an_unsigned_token_is_refused(backend: oidc.Backend) -> None:
    unsigned = jwt.encode(
        {"iss": ISSUER, "aud": CLIENT, "nonce": "n1", "exp": int(time.time()) + 60}, None, algorithm="none"
    )
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(unsigned, nonce="n1")


def test_the_backend_ignores_password_sign_ins(backend: oidc.Backend, bob: Any) -> None:
    assert backend.authenticate(HttpRequest(), username="bob", password=factories.PASSWORD) is None


# --- who a verified email signs in as ---------------------------------------------------------


def test_an_active_member_is_matched_whatever_the_case(bob: Any) -> None:
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    assert services.match_sso_person("BOB@Northtown.gov.uk").user == bob


def test_a_person_with_no_membership_gets_none_by_signing_in(northtown: Any, challenge: Any) -> None:
    guest = factories.make_user(username="gina", email="gina@elsewhere.gov.uk")
    GuestAccess.objects.create(user=guest, challenge=challenge, expires_on=timezone.localdate() + dt.timedelta(days=3))
    assert services.match_sso_person("gina@elsewhere.gov.uk").refusal == "unknown"
    assert services.match_sso_person("nobody@northtown.gov.uk").refusal == "unknown"
    assert not Membership.objects.filter(user=guest).exists()
    assert not get_user_model().objects.filter(email="nobody@northtown.gov.uk").exists()


def test_an_ended_membership_or_a_switched_off_account_is_refused(bob: Any, olive: Any) -> None:
    bob.email, olive.email = "bob@northtown.gov.uk", "olive@northtown.gov.uk"
    bob.save()
    olive.is_active = False
    olive.save()
    Membership.objects.filter(user=bob).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert services.match_sso_person("bob@northtown.gov.uk").refusal == "unknown"
    assert services.match_sso_person("olive@northtown.gov.uk").user is None


def test_two_accounts_with_one_address_are_refused(bob: Any, olive: Any) -> None:
    for person in (bob, olive):
        person.email = "shared@northtown.gov.uk"
        person.save()
    assert services.match_sso_person("shared@northtown.gov.uk").refusal == "ambiguous"


def test_an_open_invitation_is_accepted_but_an_expired_or_revoked_one_is_not(northtown: Any, dave: Any) -> None:
    now = timezone.now()

    def invitation(email: str, **extra: Any) -> Invitation:
        return Invitation.objects.create(
            council=northtown,
            email=email,
            first_name="N",
            role="officer",
            token_hash=Invitation.hash_token(email),
            invited_by=dave,
            sent_at=now,
            expires_at=extra.pop("expires_at", now + dt.timedelta(days=7)),
            **extra,
        )

    invitation("old@northtown.gov.uk", expires_at=now - dt.timedelta(minutes=1))
    invitation("gone@northtown.gov.uk", revoked_at=now)
    assert services.match_sso_person("old@northtown.gov.uk").refusal == "unknown"
    assert services.match_sso_person("gone@northtown.gov.uk").refusal == "unknown"
    invitation("new@northtown.gov.uk")
    user = services.match_sso_person("New@northtown.gov.uk").user
    assert Membership.objects.active().get(user=user).council == northtown
    assert not user.has_usable_password()


def test_the_refusal_page_names_the_councils_administrators_by_email_domain(client: Any, dave: Any, bob: Any) -> None:
    dave.email, bob.email = "dave@northtown.gov.uk", "bob@northtown.gov.uk"
    dave.save()
    bob.save()
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    page = oidc.refused(request, oidc.Refusal("unknown", "newbie@northtown.gov.uk")).content.decode()
    assert "At Northtown Council, ask Dave Admin" in page
    other = oidc.refused(request, oidc.Refusal("unknown", "x@elsewhere.gov.uk")).content.decode()
    assert "Dave Admin" not in other and "Ask your council's peertrack administrator" in other


# --- password sign-in when a council requires single sign-on -----------------------------------


def sign_in(client: Any, username: str) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": factories.PASSWORD}, REMOTE_ADDR="192.0.2.44"
    )


def test_a_council_requiring_single_sign_on_refuses_its_members_passwords(
    client: Any, settings: Any, northtown: Any, bob: Any, challenge: Any
) -> None:
    settings.PEERTRACK_OIDC_ENABLED = True
    northtown.require_sso = True
    northtown.save()
    refused = sign_in(client, "bob")
    assert refused.status_code == 200
    assert "Northtown Council signs its people in with single sign-on" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Guest peers and platform staff keep their passwords.
    guest = factories.make_user(username="gina")
    GuestAccess.objects.create(user=guest, challenge=challenge, expires_on=timezone.localdate() + dt.timedelta(days=3))
    root = factories.make_user(username="root", council=northtown, is_superuser=True, is_staff=True)
    assert sign_in(client, "gina").status_code == 302
    client.logout()
    assert sign_in(client, root.username).status_code == 302


def test_with_single_sign_on_not_configured_passwords_still_work(client: Any, northtown: Any, bob: Any) -> None:
    northtown.require_sso = True
    northtown.save()
    assert sign_in(client, "bob").status_code == 302


def test_an_administrator_turns_the_requirement_on_and_a_coordinator_cannot(
    client: Any, dave: Any, alice: Any, northtown: Any
) -> None:
    client.force_login(alice)
    assert client.post(reverse("council_sso", args=["northtown"]), {"require_sso": "on"}).status_code == 403
    client.force_login(dave)
    assert client.post(reverse("council_sso", args=["northtown"]), {"require_sso": "on"}).status_code == 302
    northtown.refresh_from_db()
    assert northtown.require_sso
    assert northtown.history.latest("history_date").history_user == dave


# --- configuration ----------------------------------------------------------------------------


def test_the_sign_in_page_shows_the_button_only_when_configured(client: Any, settings: Any) -> None:
    assert "Sign in with Microsoft" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback"), {"code": "c", "state": "s"}).status_code == 404
    settings.PEERTRACK_OIDC_ENABLED = True
    settings.PEERTRACK_OIDC_LABEL = "Sign in with Northtown 365"
    assert "Sign in with Northtown 365" in client.get(reverse("login")).content.decode()


def test_an_unreachable_provider_is_a_clear_page(client: Any, settings: Any) -> None:
    settings.PEERTRACK_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.PEERTRACK_OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    oidc.forget_discovery()
    response = client.get(reverse("sso_start"))
    assert response.status_code == 503 and "not available at the moment" in response.content.decode()


def test_a_callback_without_a_started_sign_in_is_refused(client: Any, settings: Any) -> None:
    settings.PEERTRACK_OIDC_ENABLED = True
    response = client.get(reverse("sso_callback"), {"code": "c", "state": "never-issued"})
    assert response.status_code == 400 and 'data-reason="replayed"' in response.content.decode()


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PEERTRACK_OIDC")}
    return subprocess.run(
        [sys.executable, "-c", "import peertrack.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
        check=False,
    )


def test_half_a_configuration_stops_the_server_with_a_message() -> None:
    no_secret = _settings_with({"PEERTRACK_OIDC_CLIENT_ID": "x", "DJANGO_DEBUG": "1"})
    assert "PEERTRACK_OIDC_CLIENT_SECRET must be too" in no_secret.stderr
    no_endpoints = _settings_with(
        {"PEERTRACK_OIDC_CLIENT_ID": "x", "PEERTRACK_OIDC_CLIENT_SECRET": "y", "DJANGO_DEBUG": "1"}
    )
    assert "PEERTRACK_OIDC_DISCOVERY_URL" in no_endpoints.stderr
    ok = _settings_with(
        {
            "PEERTRACK_OIDC_CLIENT_ID": "x",
            "PEERTRACK_OIDC_CLIENT_SECRET": "y",
            "DJANGO_DEBUG": "1",
            "PEERTRACK_OIDC_DISCOVERY_URL": "https://login.example.test/.well-known/openid-configuration",
        }
    )
    assert ok.returncode == 0, ok.stderr
    off = _settings_with({"DJANGO_DEBUG": "1"})
    assert off.returncode == 0, off.stderr
