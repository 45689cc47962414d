"""Settings for peertrack, read from the environment (see README, "Configuration").

SQLite is the default database; PostgreSQL is used when DATABASE_URL is set.
DEBUG is off unless DJANGO_DEBUG says otherwise (`make demo` turns it on).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from peertrack.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# A fixed key is acceptable only for local development and the test run;
# a deployment (DEBUG off) must provide its own.
_DEV_SECRET_KEY = "django-insecure-peertrack-development-key-not-for-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "recommendations",
    "reviews",
    "notifications",
]

# Background work (email, reminders, notifications, rendering) runs on Django's Tasks API through
# the django-tasks backport, queued in this database (django-tasks-db) and run by
# `manage.py db_worker` (started by `make demo` and `make serve`; see README). Workers claim tasks
# with row locks, so several can run on several machines. PEERTRACK_TASKS_IMMEDIATE=1 runs each
# task inside the request that enqueues it (the test suite does; never in production).
TASKS = {
    "default": {
        "BACKEND": ("django_tasks.backends.immediate.ImmediateBackend"
                    if env_bool("PEERTRACK_TASKS_IMMEDIATE", default=False)
                    else "django_tasks_db.DatabaseBackend"),
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the compiled static files from the application server (no CDN, no separate server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: strips NUL bytes and control characters (peertrack/inputs.py).
    "peertrack.inputs.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peertrack.sessions.SlidingSessionMiddleware",
    # After authentication, which it reads: signed-in pages and downloads get no-store.
    "peertrack.caching.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After sign-in and messages: runs a form submitted twice (double click, retry) only once.
    "peertrack.idempotency.SubmissionKeyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Remembers the request's address for links in the emails it causes (peertrack/absolute_urls.py).
    "peertrack.absolute_urls.RequestOriginMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peertrack.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peertrack.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "peertrack.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer rather than failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Tests on a file, not in memory: the browser tests' live server then gives each request its own
    # connection, as a real server does (an in-memory database shares one connection between its
    # threads, which lets two simultaneous requests' transactions interleave). One file per test
    # process (pytest-xdist workers and two test runs at once never share one); Django deletes it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"peertrack-test-{os.getpid()}.sqlite3")
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling the plan's small queries cost more than it saved (1.35 s of a 1.5 s portfolio,
    # issue 20); no query here has been shown to gain from it (ADR 0026).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Rendered dashboards, plans and portfolio rows, under keys that carry the challenge's version, so a
# write makes the old entries unreachable (peertrack/caching.py, ADR 0026). Redis when REDIS_URL is
# set, so several web servers share one cache; otherwise each process keeps its own in memory (still
# never stale: the version is read from the database on every request).
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL", default=""),
        "KEY_PREFIX": "peertrack",
    } if env_str("REDIS_URL", default="") else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "peertrack",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2 first: new and re-hashed passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# django-axes checks every sign-in first and pauses it after repeated failures
# (peertrack/lockout.py, docs/SECURITY.md "Sign-in lockout"). Two limits, over a window of
# PEERTRACK_LOCKOUT_MINUTES from the latest failure:
# - PEERTRACK_LOCKOUT_FAILURES (5) wrong passwords for one username from one address pause that
#   username at that address only: a stranger elsewhere cannot lock a user out of their own office;
# - PEERTRACK_LOCKOUT_ADDRESS_FAILURES (20) from one address, for any usernames, pause that
#   address: it cannot try a few passwords for every username. It is higher than the first
#   because many council staff share one office address.
# A success clears that username's failures at that address. Attempts made while paused are not
# counted (nor do they extend the pause): they check no password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("PEERTRACK_LOCKOUT_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("PEERTRACK_LOCKOUT_FAILURES", 5)
PEERTRACK_LOCKOUT_ADDRESS_FAILURES = env_int("PEERTRACK_LOCKOUT_ADDRESS_FAILURES", 20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("PEERTRACK_LOCKOUT_MINUTES", 15))
for _name, _value in [("PEERTRACK_LOCKOUT_FAILURES", AXES_FAILURE_LIMIT),
                      ("PEERTRACK_LOCKOUT_ADDRESS_FAILURES", PEERTRACK_LOCKOUT_ADDRESS_FAILURES),
                      ("PEERTRACK_LOCKOUT_MINUTES", int(AXES_COOLOFF_TIME.total_seconds() // 60))]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1; got {_value}.")
# axes counts failures per username and address together; the per-address limit is added by
# peertrack.lockout.LockoutHandler, since axes compares one limit with every parameter set.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "peertrack.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "peertrack.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The address is the connection's own (REMOTE_ADDR). Behind PEERTRACK_BEHIND_PROXY, it is read
# from X-Forwarded-For past PEERTRACK_TRUSTED_PROXIES proxies of ours (default 1), so a client
# cannot choose its address by sending the header itself (peertrack.lockout.client_ip). django-ipware,
# which axes' AXES_IPWARE_* settings configure, is not installed: the callable replaces it.
PEERTRACK_TRUSTED_PROXIES = (env_int("PEERTRACK_TRUSTED_PROXIES", 1)
                             if env_bool("PEERTRACK_BEHIND_PROXY", default=False) else 0)
if PEERTRACK_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        f"PEERTRACK_TRUSTED_PROXIES must be 0 or more; got {PEERTRACK_TRUSTED_PROXIES}.")
AXES_CLIENT_IP_CALLABLE = "peertrack.lockout.client_ip"
AXES_USERNAME_CALLABLE = "peertrack.lockout.client_username"

# Sessions end after this much inactivity: peertrack.sessions.SlidingSessionMiddleware pushes
# the expiry forward as the user works (at most one write a minute, unlike
# SESSION_SAVE_EVERY_REQUEST, which would write on every page).
SESSION_COOKIE_AGE = 60 * env_int("PEERTRACK_SESSION_IDLE_MINUTES", 60)

# Email (update reminders): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="peertrack@localhost")
# GOV.UK Notify instead of SMTP: EMAIL_BACKEND=notifications.notify_backend.NotifyEmailBackend, the
# service's API key and the id of one email template with ((subject)) and ((body)) (README, "Scheduling").
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env_str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
# The address links in emails start with, e.g. https://actions.example.gov.uk; unset, a link takes
# the address of the request that caused the email (peertrack/absolute_urls.py, deploy check W001).
PEERTRACK_BASE_URL = env_str("PEERTRACK_BASE_URL", default="").rstrip("/")
if PEERTRACK_BASE_URL and not PEERTRACK_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"PEERTRACK_BASE_URL must start with https:// or http://; got {PEERTRACK_BASE_URL!r}.")

LOGIN_URL = "login"
# Where signing in leads without a ?next=: the inbox, My actions or the challenges, by role.
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on with OpenID Connect (peertrack/oidc.py, README "Single sign-on", ADR 0021) ---
# Off unless a client id is set. The provider's endpoints come from its discovery document
# (PEERTRACK_OIDC_DISCOVERY_URL, read when someone signs in, not at start-up) or are each named.
# Authorization code flow with PKCE (S256), state and nonce; the ID token's signature (from the
# provider's JWKS), issuer, audience and expiry are checked. A person is matched by a verified email
# to an active membership or an open invitation; signing in never makes a membership.
OIDC_RP_CLIENT_ID = env_str("PEERTRACK_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env_str("PEERTRACK_OIDC_CLIENT_SECRET", default="")
PEERTRACK_OIDC_DISCOVERY_URL = env_str("PEERTRACK_OIDC_DISCOVERY_URL", default="")
PEERTRACK_OIDC_ISSUER = env_str("PEERTRACK_OIDC_ISSUER", default="")  # else the discovery document's
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("PEERTRACK_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env_str("PEERTRACK_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env_str("PEERTRACK_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env_str("PEERTRACK_OIDC_JWKS_ENDPOINT", default="")
PEERTRACK_OIDC_END_SESSION_ENDPOINT = env_str("PEERTRACK_OIDC_END_SESSION_ENDPOINT", default="")
# The words on the sign-in page's button, and the claim that must be true for the email to count.
PEERTRACK_OIDC_LABEL = env_str("PEERTRACK_OIDC_LABEL", default="Sign in with Microsoft")
PEERTRACK_OIDC_VERIFIED_CLAIM = env_str("PEERTRACK_OIDC_VERIFIED_CLAIM", default="email_verified")
PEERTRACK_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if PEERTRACK_OIDC_ENABLED:
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("PEERTRACK_OIDC_CLIENT_ID is set, so PEERTRACK_OIDC_CLIENT_SECRET must be too.")
    _named = [OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_JWKS_ENDPOINT, PEERTRACK_OIDC_ISSUER]
    if not PEERTRACK_OIDC_DISCOVERY_URL and not all(_named):
        raise ImproperlyConfigured(
            "Single sign-on needs PEERTRACK_OIDC_DISCOVERY_URL, or all of PEERTRACK_OIDC_AUTHORIZATION_ENDPOINT, "
            "PEERTRACK_OIDC_TOKEN_ENDPOINT, PEERTRACK_OIDC_JWKS_ENDPOINT and PEERTRACK_OIDC_ISSUER.")
    AUTHENTICATION_BACKENDS.append("peertrack.oidc.Backend")
OIDC_RP_SIGN_ALGO = env_str("PEERTRACK_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # for the provider's sign-out (id_token_hint)
OIDC_TIMEOUT = env_int("PEERTRACK_OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
]

MEDIA_ROOT = Path(env_str("PEERTRACK_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Uploads (action plan spreadsheets, up to 10 MB: recommendations/spreadsheets.py). Files over
# 2.5 MB stream to a temporary file rather than memory, and a file's bytes do not count against
# DATA_UPLOAD_MAX_MEMORY_SIZE, so a 20 MB upload reaches the view, which refuses it with a message
# rather than a bare 400/413. The form fields themselves (a pasted report section) stay under 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
# Evidence files on a progress update (recommendations/evidence.py): at most this many files per
# update, each at most this many bytes (20 MiB). Their type is read from their content.
PEERTRACK_EVIDENCE_MAX_FILES = env_int("PEERTRACK_EVIDENCE_MAX_FILES", 5)
PEERTRACK_EVIDENCE_MAX_BYTES = env_int("PEERTRACK_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
for _name, _value in [("PEERTRACK_EVIDENCE_MAX_FILES", PEERTRACK_EVIDENCE_MAX_FILES),
                      ("PEERTRACK_EVIDENCE_MAX_BYTES", PEERTRACK_EVIDENCE_MAX_BYTES)]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1; got {_value}.")

# What the generic header and page titles call the organisation running this copy.
PEERTRACK_ORGANISATION = env_str("PEERTRACK_ORGANISATION", default="peertrack")

DJANGO_TABLES2_TEMPLATE = "shared/table.html"
CSRF_FAILURE_VIEW = "peertrack.views.csrf_failure"


# Backups write times to the microsecond (peertrack/exact_json.py).
SERIALIZATION_MODULES = {"exact_json": "peertrack.exact_json"}

# --- Serving and security (docs/decisions/0010-production-settings.md) ---------------------------

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies for WhiteNoise; names are not hashed, so templates and the ES module
    # imports in static/js work the same in tests, the demo and production.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = env_int("PEERTRACK_STATIC_MAX_AGE", 3600)
# Serve straight from static/ and node_modules/ when collectstatic has not been run (demo, tests).
WHITENOISE_USE_FINDERS = True

# HTTPS is on by default outside DEBUG: redirect, secure cookies, HSTS. PEERTRACK_HTTPS=0 is for a
# production-like server on the loopback interface only (`make serve`).
HTTPS = env_bool("PEERTRACK_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("PEERTRACK_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("PEERTRACK_BEHIND_PROXY", default=False):
    # Only behind a proxy that sets this header itself: otherwise a client could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content Security Policy: nothing inline, nothing evaluated, nothing from elsewhere. Scripts are
# files served from 'self'; a page that ever needs an inline script gets the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
