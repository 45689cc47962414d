"""The browser reports no Content Security Policy violation on any page a coordinator can reach."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import sign_in

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
});
"""
SKIP = ("/admin/", "/sign-out/", "/static/", "/media/")
MAX_PAGES = 80


def _is_page_link(href: str, base: str) -> bool:
    parsed = urlparse(href)
    if parsed.netloc and parsed.netloc != urlparse(base).netloc:
        return False
    path = parsed.path
    return bool(path) and not path.startswith(SKIP) and not path.endswith((".pdf", ".csv", ".xlsx"))


@pytest.mark.parametrize("username", ["coordinator", "scrutiny"])
def test_no_csp_violation_on_any_reachable_page(page, live_server, demo, username):
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, username, DEMO_PASSWORDS[username])

    seen: set[str] = set()
    queue = ["/", "/challenges/coventry-2024/", "/challenges/coventry-2018/"]
    violations: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        if response is None or response.headers.get("content-type", "").split(";")[0] != "text/html":
            continue
        page.wait_for_load_state("load")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[path] = found
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if _is_page_link(href, live_server.url):
                target = urlparse(href)
                queue.append(target.path + (f"?{target.query}" if target.query else ""))

    assert len(seen) >= 5
    assert violations == {}
    assert console == []
