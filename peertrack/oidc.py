"""Single sign-on with OpenID Connect (Microsoft Entra ID first; any standard provider). ADR 0021.

mozilla-django-oidc runs the authorization code flow; this module adds what peertrack needs:

* the provider's endpoints from its discovery document (`PEERTRACK_OIDC_DISCOVERY_URL`), read when
  someone signs in and kept for an hour, or each named in the environment (`peertrack/settings.py`);
* PKCE (S256), state and nonce (the library's, switched on in settings); a state that is not in
  the session (a replayed or stale callback) is refused with a page, not an error;
* the ID token's signature (the provider's JWKS), issuer, audience and expiry are checked;
* the person is matched by a verified email (`email_verified`, or PEERTRACK_OIDC_VERIFIED_CLAIM,
  must be true) to an active membership or an open invitation
  (`recommendations.people.services.match_sso_person`); signing in never makes a membership, and
  anyone else sees a page saying whom to ask;
* signing out ends the local session and, when the provider offers RP-initiated logout
  (`end_session_endpoint`), offers a link that ends the provider's too.

With no client id configured single sign-on is off: these views answer 404 and the backend is not
in AUTHENTICATION_BACKENDS.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from peertrack.absolute_urls import absolute_url, request_origin

logger = logging.getLogger(__name__)

DISCOVERY_SECONDS = 60 * 60
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or lacks an endpoint peertrack needs."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def enabled() -> bool:
    return bool(getattr(settings, "PEERTRACK_OIDC_ENABLED", False))


def _discover(url: str) -> dict[str, Any]:
    now = time.monotonic()
    with _lock:
        cached = _discovered.get(url)
        if cached and now - cached[0] < DISCOVERY_SECONDS:
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"The discovery document at {url} could not be read: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"The discovery document at {url} is not a JSON object.")
    with _lock:
        _discovered[url] = (now, document)
    return document


def forget_discovery() -> None:
    """Forgets the discovery documents read so far (tests start providers on new ports)."""
    with _lock:
        _discovered.clear()


def provider() -> Provider:
    """Returns the provider's endpoints: each named setting, else the discovery document's."""
    document: dict[str, Any] = {}
    if settings.PEERTRACK_OIDC_DISCOVERY_URL:
        document = _discover(settings.PEERTRACK_OIDC_DISCOVERY_URL)

    def pick(setting: str, key: str) -> str:
        value = getattr(settings, setting, "") or document.get(key, "")
        return value if isinstance(value, str) else ""

    found = Provider(
        issuer=pick("PEERTRACK_OIDC_ISSUER", "issuer"),
        authorization_endpoint=pick("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
        token_endpoint=pick("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
        jwks_uri=pick("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
        userinfo_endpoint=pick("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
        end_session_endpoint=pick("PEERTRACK_OIDC_END_SESSION_ENDPOINT", "end_session_endpoint"),
    )
    missing = [
        name for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri") if not getattr(found, name)
    ]
    if missing:
        raise ProviderUnavailable(f"The provider's configuration has no {', '.join(missing)}.")
    return found


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in through the provider did not sign anyone in, for the refusal page."""

    reason: str  # unknown, ambiguous, unverified, no-email, unconfirmed, replayed, cancelled, unavailable
    email: str = ""


def _refuse(request: HttpRequest, refusal: Refusal) -> None:
    request.peertrack_sso_refusal = refusal  # type: ignore[attr-defined]


class Backend(OIDCAuthenticationBackend):
    """Signs in the person the provider vouches for, matched by verified email (ADR 0021)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The endpoints are read when someone signs in through the provider (`authenticate`), so a
        # password sign-in, or loading the signed-in user, never waits on the provider.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = ""
        self.issuer = ""

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # Only the callback passes a nonce; a password sign-in reaches here with a username.
        if request is None or not enabled() or "nonce" not in kwargs:
            return None
        found = provider()
        self.issuer = found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """Checks the signature and nonce (the library), then the issuer, audience and expiry."""
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != self.issuer:
            raise SuspiciousOperation(f"The ID token's issuer {payload.get('iss')!r} is not {self.issuer!r}.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was not issued to this application.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token's authorised party is not this application.")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token has no expiry.")  # PyJWT checked it when present
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Returns the ID token's claims, with the userinfo endpoint's (same subject) when there is one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            response = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            info = response.json() if "json" in response.headers.get("content-type", "") else {}
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo endpoint answered for another subject.")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        from recommendations.people import services

        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "").strip()
        if not email or "@" not in email:
            _refuse(self.request, Refusal("no-email"))
            return None
        verified = claims.get(settings.PEERTRACK_OIDC_VERIFIED_CLAIM)
        if verified is not True and str(verified).lower() != "true":
            _refuse(self.request, Refusal("unverified", email))
            return None
        outcome = services.match_sso_person(email)
        if outcome.user is None:
            _refuse(self.request, Refusal(outcome.refusal, email))
            return None
        return outcome.user


MESSAGES = {
    "unknown": "There is no peertrack account for this email address, so you were not signed in.",
    "ambiguous": "More than one peertrack account uses this email address, so you were not signed in.",
    "unverified": "Your identity provider did not confirm that this email address is yours, so you were not signed in.",
    "no-email": "Your identity provider did not send an email address, so you were not signed in.",
    "unconfirmed": "We could not confirm your sign-in with your identity provider, so you were not signed in.",
    "replayed": "This sign-in link has already been used or has expired, so you were not signed in.",
    "cancelled": "The sign-in was cancelled or refused at your identity provider.",
    "unavailable": "Single sign-on is not available at the moment.",
}


def refused(request: HttpRequest, refusal: Refusal, *, status: int = 403) -> HttpResponse:
    """The page a person sees when single sign-on did not sign them in: what happened and whom to ask."""
    from recommendations.people import services

    if request.user.is_authenticated:
        auth.logout(request)
    ask = (
        services.administrators_for(refusal.email)
        if refusal.email and refusal.reason in ("unknown", "ambiguous")
        else []
    )
    context = {
        "reason": refusal.reason,
        "message": MESSAGES.get(refusal.reason, MESSAGES["unconfirmed"]),
        "email": refusal.email if refusal.reason != "unconfirmed" else "",
        "ask": ask,
        "label": settings.PEERTRACK_OIDC_LABEL,
    }
    return render(request, "registration/sso_refused.html", context, status=status)


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and the PKCE challenge."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_OP_AUTH_ENDPOINT = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable as error:
            logger.warning("Single sign-on unavailable: %s", error)
            return refused(request, Refusal("unavailable"), status=503)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the person in, or says why not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        if request.GET.get("error"):
            super().get(request)  # forgets the state
            return refused(request, Refusal("cancelled"), status=400)
        state = request.GET.get("state", "")
        if not request.GET.get("code") or state not in request.session.get("oidc_states", {}):
            return refused(request, Refusal("replayed"), status=400)
        try:
            return super().get(request)
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            ProviderUnavailable,
            ValueError,
            KeyError,
        ) as error:
            logger.warning("Single sign-on refused: %s", error)
            return refused(request, Refusal("unconfirmed"), status=400)

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "peertrack_sso_refusal", None) or Refusal("unconfirmed")
        return refused(self.request, refusal)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session; after a single sign-on, the provider's too when it offers RP-initiated logout."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    target = reverse(settings.LOGOUT_REDIRECT_URL)
    if id_token and enabled():
        try:
            end_session = provider().end_session_endpoint
        except ProviderUnavailable:
            end_session = ""
        if end_session:
            # A link, not a redirect: the page the sign-out form was on allows forms to post only to
            # peertrack (CSP form-action 'self'), which a browser applies to the redirect too.
            params = {
                "id_token_hint": id_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": absolute_url(target, origin=request_origin(request)),
            }
            return render(
                request, "registration/signed_out_sso.html", {"end_session": f"{end_session}?{urlencode(params)}"}
            )
    return redirect(target)
