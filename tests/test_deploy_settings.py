"""Production settings: `check --deploy` is clean, and a missing or malformed setting stops start-up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "PEERTRACK_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "peertrack.example.gov.uk",
        "PEERTRACK_BASE_URL": "https://peertrack.example.gov.uk",
        "DJANGO_SETTINGS_MODULE": "peertrack.settings",
    })
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_and_https_on_by_default():
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS)")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "DENY"], result.stderr


def test_a_missing_secret_key_stops_start_up_with_a_clear_message():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_stops_start_up_with_a_clear_message():
    result = manage("check", env=production_env(PEERTRACK_HTTPS="sometimes"))
    assert result.returncode != 0
    assert "PEERTRACK_HTTPS must be one of" in result.stderr
