"""The real OpenID Provider (tests/oidc/provider.mjs, npm oidc-provider) as a pytest fixture, and the
settings that point peertrack at it.

The provider starts once per test session on a free loopback port, after the live server (its
one client's redirect URI names the live server's address). Without Node.js or the npm package the
tests that need it are skipped, except in CI (CI=true), where that fails instead.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peertrack import oidc
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "peertrack-test"
CLIENT_SECRET = "peertrack-test-secret-not-for-production"  # noqa: S105  (a test client's, on loopback)
START_SECONDS = 60


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    log: Path

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def wrong_jwks(self) -> str:
        return f"{self.issuer}/test/wrong-jwks"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """Starts the provider; its output goes to provider.log in the session's temporary folder."""
    node = shutil.which("node")
    if node is None:
        _missing("Node.js is not installed, so the OpenID Provider for the single sign-on tests cannot run.")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        _missing("The npm package oidc-provider is not installed (npm ci).")
    port = _free_port()
    command = [
        str(node),
        str(SCRIPT),
        "--port",
        str(port),
        "--redirect-uri",
        f"{live_server.url}/sign-in/sso/callback/",
        "--post-logout-redirect-uri",
        f"{live_server.url}/sign-in/",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
    ]
    log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        issuer = ""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            ready = [line for line in log.read_text().splitlines() if line.startswith("ready ")]
            if ready:
                issuer = ready[0].split(" ", 1)[1].strip()
                break
            time.sleep(0.1)
        if not issuer:
            pytest.fail(f"The OpenID Provider did not start (exit code {process.poll()}):\n{log.read_text()}")
        yield RunningProvider(issuer, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sso_settings(settings: Any, oidc_provider: RunningProvider) -> Iterator[Any]:
    """Switches single sign-on on, against the running provider, for one test."""
    settings.PEERTRACK_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.PEERTRACK_OIDC_DISCOVERY_URL = oidc_provider.discovery_url
    settings.PEERTRACK_OIDC_ISSUER = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_OP_USER_ENDPOINT = settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.PEERTRACK_OIDC_END_SESSION_ENDPOINT = ""
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "peertrack.oidc.Backend"]
    oidc.forget_discovery()
    yield settings
    oidc.forget_discovery()
