"""The action plan updated in place by htmx: a filter keeps the focus on its control, a sort or page
link sends it to the results summary (never to <body>), a polite live region says what changed,
errors say "Error: " in the title; on a phone the filters fold."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import assert_accessible, sign_in

PLAN = "/challenges/coventry-2024/plan/"


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id || document.activeElement.tagName : ''")


def _watch_focus_at_swap(page) -> None:
    """Records where the focus is when htmx has just put new content in (before it settles), so a
    test sees focus that is lost only for a moment, whatever the timing of the machine."""
    page.evaluate("""document.body.addEventListener('htmx:afterSwap', () => {
        const active = document.activeElement;
        window.ptFocusAtSwap = active ? active.id || active.tagName : '';
    }, {once: true})""")


def _live(page) -> str:
    return page.locator("[data-pt-live]").inner_text()


def test_filtering_sorting_and_paging_move_focus_to_the_summary_and_announce_it(page, demo):
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto(PLAN)
    total = page.locator("#action-plan-count").inner_text()

    red = page.get_by_label("Red", exact=True)
    red.check()
    expect(page.locator("#action-plan-count")).to_contain_text("match")
    expect(page.locator("[data-pt-live]")).to_contain_text("match these filters")
    # A check box that filters keeps the focus (no change of context on input, WCAG 3.2.2).
    assert _focused_id(page) == red.get_attribute("id")
    assert "rag=red" in page.url
    assert not page.title().startswith("Error")
    assert_accessible(page, "htmx-plan-filtered")

    page.goto(PLAN)
    _watch_focus_at_swap(page)
    page.locator("#action-plan-table th a", has_text="Due").click()
    expect(page.locator("#action-plan-table th[aria-sort=ascending] a")).to_contain_text("Due")
    assert _focused_id(page) == "action-plan-count"
    # Never on <body> even for the moment between htmx's swap and its settle.
    assert page.evaluate("window.ptFocusAtSwap") == "action-plan-count"
    expect(page.locator("[data-pt-live]")).to_have_text(total.strip())

    page.locator(".govuk-pagination__next a").click()
    expect(page.locator(".govuk-pagination__prev")).to_have_count(1)
    assert _focused_id(page) == "action-plan-count"
    expect(page.locator("[data-pt-live]")).to_contain_text("showing 26 to")
    # Sorting survived the page change.
    expect(page.locator("#action-plan-table th[aria-sort=ascending] a")).to_contain_text("Due")


def test_an_htmx_request_refused_shows_the_error_summary_and_says_error_in_the_title(page, demo):
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto(PLAN)
    # A filter value no form offers (a forged or stale link) answers 400 with an error summary.
    page.evaluate("""htmx.ajax('GET', location.pathname + '?lead_officer=999999',
                               {target: '#action-plan-results', swap: 'outerHTML'})""")
    summary = page.locator("#action-plan-results .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    assert_accessible(page)

    # Filtering again with good values clears the error and the title's prefix.
    page.get_by_label("Amber", exact=True).check()
    expect(page).not_to_have_title(re.compile(r"^Error: "))
    expect(summary).to_have_count(0)


@pytest.mark.parametrize(
    "url",
    [
        "/challenges/coventry-2024/dashboard/?as_of=2024-02-31",
        f"{PLAN}?as_of=2024-02-31",
    ],
)
def test_an_impossible_date_is_a_400_with_error_title_and_summary(page, demo, url):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    response = page.goto(url)
    assert response.status == 400
    assert page.title().startswith("Error: ")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_on_a_phone_the_filters_fold_away_and_the_rows_stack(page, demo):
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(PLAN)
    panel = page.locator("#action-plan-filters-panel")
    assert panel.evaluate("details => details.open") is False
    page.get_by_text("Filter the actions", exact=True).click()
    page.get_by_label("Amber", exact=True).check()
    expect(page.locator("#action-plan-count")).to_contain_text("match")
    # Each row is a block the width of the screen; its cells say which column they are.
    first_row = page.locator("#action-plan-table tbody tr").first
    assert first_row.evaluate("tr => getComputedStyle(tr).display") == "block"
    action_cell = first_row.locator("td.pt-col-wide")
    assert action_cell.bounding_box()["width"] > 250
    assert action_cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Action: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # With a filter applied the panel stays open after a reload, to show what is applied.
    page.reload()
    assert panel.evaluate("details => details.open") is True
    assert_accessible(page, "plan-phone-390")
