"""Every page each person can reach by following links, at 1280 and 320 px: axe finds nothing and
nothing scrolls sideways.

The crawl signs in as each role of the demo (coordinator, officer, scrutiny member, administrator,
a guest peer and platform staff for the admin), starts where sign-in lands them and follows every
link inside the site, breadth first. It is bounded so that it stays fast: at most `PER_NAME` pages
per URL name (the resolver's view name: one or two action pages, not all sixty; the admin by kind
of page), and a name already checked for an earlier role is checked again only for a role that
sees it differently (`REVISIT`).
Downloads, sign-out and links that would change something are not followed (a GET never changes
anything here, but file downloads are not pages).

Besides the pages links reach, it checks the error and htmx states of the main journeys: a sign-in
that fails, the dashboard and action plan given an impossible date (400), the action plan filtered,
sorted and paged by htmx, and a progress update refused by the form, by htmx and without.

axe runs with the WCAG 2.2 AA tags and best-practice. Every failure is collected (role, address,
width, rule, elements) and the test fails listing them all, with a screenshot of each failing page
in screenshots/crawl-*.png; each part's summary line (printed at the end of the run) says how many
pages × widths it checked. The crawl runs in three parts (`PARTS`) so that two cores share it.
Set PEERTRACK_CRAWL_LOG=/tmp/crawl.log to follow it page by page.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action, GuestAccess, PeerChallenge
from tests import factories
from tests.browser.conftest import SCREENSHOTS, WCAG_TAGS, overflowing, sign_in
from tests.summary import report_summary

WIDTHS = (1280, 320)
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [*WCAG_TAGS, "best-practice"]}, "resultTypes": ["violations"]}
# At most this many addresses per URL name over the whole crawl (two of a few: a current and an
# archived challenge), and per kind of admin page.
PER_NAME = 1
TWICE = {"challenge", "action", "recommendation", "action_plan"}
PER_ADMIN_KIND = 3
# URL names a later role sees differently enough to check again (forms and links shown or not).
REVISIT = {"home", "challenge", "action", "admin:index"}
# Never followed: files, signing out, and the admin's own "view on site" redirect.
SKIP_NAMES = {
    "logout",
    "action_plan_csv",
    "action_plan_xlsx",
    "action_plan_template",
    "action_plan_export",
    "evidence_download",
    "healthz",
    "admin:logout",
    "admin:jsi18n",
    "admin:view_on_site",
    "password_change",
    "password_change_done",
}
SKIP_PREFIXES = ("/static/", "/media/", "/admin/r/")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".docx")
# Admin URL names that are not pages a council uses (another admin's history, deleting).
ADMIN_SKIP_SUFFIXES = ("_delete", "_history", "password_change", "auth_user_password_change")


class Crawl:
    """Visits pages, runs the checks at each width and keeps every failure."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base = base_url.rstrip("/")
        self.axe = Axe()
        self.seen_urls: set[tuple[str, str]] = set()
        self.per_name: dict[str, int] = {}
        self.names_by_role: dict[str, set[str]] = {}
        self.checked = 0
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        self.failures.append(message)
        log("FAIL " + message)

    # Which addresses to visit.

    def _name(self, path: str) -> str | None:
        try:
            return resolve(path).view_name
        except Resolver404:
            return None

    def _wanted(self, role: str, href: str) -> tuple[str, str] | None:
        """Returns (address, URL name) for a link worth following, else None."""
        href, _fragment = urldefrag(href)
        if href.startswith(self.base):
            href = href[len(self.base) :]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
            return None
        name = self._name(parts.path)
        if name is None or name in SKIP_NAMES:
            return None
        if name.startswith("admin:") and name.endswith(ADMIN_SKIP_SUFFIXES):
            return None
        if name.startswith("admin:"):
            # The admin draws every model with the same few templates: bound it by kind of page
            # (index, app list, changelist, add, change), with PER_ADMIN_KIND of each.
            name = "admin:" + name.rsplit("_", 1)[-1] if name.count("_") else name
        if (role, href) in self.seen_urls:
            return None
        limit = PER_ADMIN_KIND if name.startswith("admin:") else 2 if name in TWICE else PER_NAME
        role_names = self.names_by_role.setdefault(role, set())
        if name in role_names and self.per_name.get(name, 0) >= limit:
            return None
        if name not in role_names and self.per_name.get(name, 0) >= limit and name not in REVISIT:
            return None
        return href, name

    def crawl(self, role: str, start: list[str], *, limit: int = 60) -> None:
        """Follows links breadth first from `start`, checking each page reached."""
        queue: deque[str] = deque(start)
        visited = 0
        while queue and visited < limit:
            wanted = self._wanted(role, queue.popleft())
            if wanted is None:
                continue
            href, name = wanted
            self.seen_urls.add((role, href))
            self.per_name[name] = self.per_name.get(name, 0) + 1
            self.names_by_role.setdefault(role, set()).add(name)
            visited += 1
            response = self.page.goto(href)
            if response is not None and response.status >= 400:
                self.fail(f"{role} {href}: HTTP {response.status} from a link on the site")
            self.check(role, href)
            log(f"{time.monotonic() - STARTED:6.1f}s {role} {href} ({name})")
            links = self.page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
            current = urlsplit(self.page.url).path
            for link in links:
                if link.startswith("?"):
                    link = current + link
                elif not link.startswith(("/", "http")):
                    continue
                queue.append(link)

    # The checks.

    def check(self, role: str, label: str) -> None:
        """Runs axe and the sideways-scroll check at each width on the page as it is now."""
        page = self.page
        page.evaluate(self.axe.axe_script)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            results = page.evaluate(f"axe.run(document, {_json(AXE_OPTIONS)})")
            for violation in results["violations"]:
                targets = "; ".join(
                    " ".join(node["target"][:1]) if isinstance(node["target"][0], str) else str(node["target"])
                    for node in violation["nodes"][:4]
                )
                self.fail(
                    f"{role} {label} at {width} px: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} [{len(violation['nodes'])}: {targets}]"
                )
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                self.fail(
                    f"{role} {label} at {width} px: the page is {wide} px wide; "
                    f"past the edge: {overflowing(page, width)}"
                )
            if wide > width or results["violations"]:
                SCREENSHOTS.mkdir(exist_ok=True)
                safe = "".join(c if c.isalnum() else "-" for c in f"{role}-{label}")[:120]
                page.screenshot(path=str(SCREENSHOTS / f"crawl-{safe}-{width}.png"), full_page=True)
            self.checked += 1
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


STARTED = time.monotonic()


def log(line: str) -> None:
    """Writes progress to PEERTRACK_CRAWL_LOG, if set, as the crawl goes (it takes minutes)."""
    path = os.environ.get("PEERTRACK_CRAWL_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


def _states_of_the_main_journeys(crawl: Crawl) -> None:
    """The error and htmx states links do not reach."""
    page = crawl.page
    # A sign-in that fails.
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    crawl.check("anonymous", "sign-in refused")
    _expect_error_title(crawl, "anonymous", "sign-in refused")

    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    # The dashboard and the plan given an impossible date answer 400 with an error summary.
    for label, url in (
        ("dashboard 400", "/challenges/coventry-2024/dashboard/?as_of=2024-02-31"),
        ("plan 400", "/challenges/coventry-2024/plan/?as_of=9999-99-99"),
    ):
        response = page.goto(url)
        assert response is not None and response.status == 400, url
        crawl.check("officer", label)
        _expect_error_title(crawl, "officer", label)

    # The action plan filtered, sorted and paged by htmx.
    page.goto("/challenges/coventry-2024/plan/")
    page.get_by_label("Red", exact=True).check()
    expect(page.locator("#action-plan-count")).to_contain_text("match")
    crawl.check("officer", "plan filtered by htmx")
    page.goto("/challenges/coventry-2024/plan/")
    page.locator("#action-plan-table th a", has_text="Due").click()
    expect(page.locator("#action-plan-table th[aria-sort=ascending]")).to_have_count(1)
    crawl.check("officer", "plan sorted by htmx")
    next_page = page.locator(".govuk-pagination__next a")
    if next_page.count():
        next_page.click()
        expect(page.locator(".govuk-pagination__prev")).to_have_count(1)
        crawl.check("officer", "plan paged by htmx")

    # A progress update refused by the form, by htmx and without it.
    action = (
        Action.objects.filter(recommendation__challenge__slug="coventry-2024", lead_officer__username="officer")
        .order_by("reference")
        .first()
    )
    if action is not None:
        page.goto(action.get_absolute_url())
        page.get_by_role("button", name="Save progress update").click()
        expect(page.locator("#record-progress .govuk-error-summary")).to_be_visible()
        crawl.check("officer", "progress refused by htmx")
        _expect_error_title(crawl, "officer", "progress refused by htmx")


def _expect_error_title(crawl: Crawl, role: str, label: str) -> None:
    title = crawl.page.title()
    if not title.startswith("Error: "):
        crawl.fail(f"{role} {label}: the title {title!r} does not start with 'Error: '")


# The crawl in three parts that pytest-xdist can run side by side (CI has two cores); each part
# bounds its own pages by URL name. The last part also checks the main journeys' other states.
PARTS = {
    "coordinator": ["anonymous", "coordinator"],
    "readers": ["officer", "scrutiny", "guest"],
    "admin": ["administrator", "platform staff"],
}
LIMITS = {
    "anonymous": 5,
    "coordinator": 70,
    "officer": 40,
    "scrutiny": 25,
    "guest": 20,
    "administrator": 30,
    "platform staff": 30,
}


def _people() -> dict[str, tuple[str, str]]:
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    guest = factories.make_user(username="guest.peer@example.org", first_name="Pam", last_name="Smith")
    GuestAccess.objects.create(user=guest, challenge=challenge, expires_on=timezone.localdate() + dt.timedelta(days=7))
    factories.make_user(
        username="platform.staff", first_name="Pat", last_name="Staff", is_staff=True, is_superuser=True
    )
    return {
        "coordinator": ("coordinator", DEMO_PASSWORDS["coordinator"]),
        "officer": ("officer", DEMO_PASSWORDS["officer"]),
        "scrutiny": ("scrutiny", DEMO_PASSWORDS["scrutiny"]),
        "administrator": ("admin", DEMO_PASSWORDS["admin"]),
        "guest": (guest.username, factories.PASSWORD),
        "platform staff": ("platform.staff", factories.PASSWORD),
    }


@pytest.mark.parametrize("part", list(PARTS))
def test_every_page_each_role_reaches_passes_axe_and_fits_a_phone(
    page: Any, live_server: Any, demo: None, part: str
) -> None:
    started = time.monotonic()
    # A busy machine (CI's two cores run two parts at once) can take more than 10 s for a page.
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)
    crawl = Crawl(page, live_server.url)
    people = _people()
    only = os.environ.get("PEERTRACK_CRAWL_ROLES")  # e.g. "officer,guest" while fixing one role's pages
    for role in PARTS[part]:
        if only and role not in only.split(","):
            continue
        if role == "anonymous":
            crawl.crawl(role, ["/sign-in/", "/accessibility/"], limit=LIMITS[role])
            continue
        sign_in(page, *people[role])
        start = [urlsplit(page.url).path, "/"]
        if role in ("coordinator", "administrator", "platform staff"):
            start.append("/admin/")
        crawl.crawl(role, start, limit=LIMITS[role])
        _sign_out(page)
    if part == "readers" and not only:
        try:
            _states_of_the_main_journeys(crawl)
        except Exception as error:  # noqa: BLE001 - reported with everything else the crawl found
            crawl.fail(f"the main journeys' states could not be reached: {error}")

    seconds = time.monotonic() - started
    line = (
        f"Crawl ({', '.join(PARTS[part])}): {crawl.checked // len(WIDTHS)} pages × {len(WIDTHS)} widths = "
        f"{crawl.checked} checks ({len(crawl.per_name)} URL names) in {seconds:.0f} s; {len(crawl.failures)} failures."
    )
    report_summary(line)
    print(line)
    assert not crawl.failures, "\n".join([line, *crawl.failures])
