"""A scrutiny member reads the 2024 plan as at the progress review: dashboard, action plan, portfolio, search."""

from __future__ import annotations

from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import assert_accessible, sign_in, tab_until

AS_AT = "2024-11-22"


def test_scrutiny_member_reads_every_dashboard_page(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])

    page.goto(f"/challenges/coventry-2024/dashboard/?as_of={AS_AT}")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard as at 22 November 2024"
    chart = page.get_by_role("img", name="Recommendations by RAG rating", exact=True)
    assert chart.count() == 1
    # The chart's accessible description states the numbers a screen reader announces.
    description = chart.evaluate("svg => svg.querySelector('desc').textContent")
    assert description.startswith("Recommendations by RAG rating, 10 in all:")
    over_time = "Recommendations by RAG rating at the end of each quarter"
    assert page.get_by_role("img", name=over_time, exact=True).count() == 1
    assert page.locator("#timetable-table [data-state]").count() == 5
    assert_accessible(page, "dashboard-2024-as-at-review")

    page.get_by_role("link", name="Every action in a table you can filter, sort and download").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Action plan as at 22 November 2024"
    all_rows = page.locator("#action-plan-table tbody tr").count()
    assert all_rows == 25
    assert_accessible(page, "action-plan")

    # Filtering with htmx swaps the results in place and keeps the filter in the address bar.
    page.get_by_label("Red", exact=True).check()
    page.wait_for_url("**rag=red**")
    page.wait_for_function(
        "() => !document.querySelector('#action-plan-count').textContent.includes('30 actions')"
    )
    assert "as_of=2024-11-22" in page.url
    count_text = page.locator("#action-plan-count").inner_text()
    assert "match these filters" in count_text or "matches these filters" in count_text
    tags = page.locator("#action-plan-table tbody .pt-rag").all_inner_texts()
    assert tags and set(tags) == {"Red"}
    assert page.get_by_label("Red", exact=True).is_checked()  # the form was not replaced

    # Sorting is a link (boosted by htmx): the URL keeps the filter and the sort.
    page.locator("#action-plan-table thead a", has_text="Due").click()
    page.wait_for_url("**sort=due_date**")
    assert "rag=red" in page.url
    header = page.locator("#action-plan-table thead th[aria-sort='ascending']")
    assert "Due" in header.inner_text()
    assert_accessible(page, "action-plan-filtered")

    page.get_by_role("link", name="Portfolio").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Portfolio as at")
    expect(page.get_by_role("heading", name="The challenges side by side, by theme")).to_be_visible()
    assert_accessible(page, "portfolio")

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search recommendations, council responses and progress updates").fill("masterplan")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(page.locator("#found-recommendations")).to_be_visible()
    expect(page.get_by_role("link", name="1. City Centre masterplan").first).to_be_visible()
    assert_accessible(page, "search")


def test_bad_as_at_date_gets_an_accessible_error(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/dashboard/?as_of=2024-02-31")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary").get_by_text("is not one")).to_be_visible()
    assert_accessible(page, "dashboard-bad-date")


def test_filters_and_sorting_work_without_javascript(page_without_js, demo):
    page = page_without_js
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto(f"/challenges/coventry-2024/plan/?as_of={AS_AT}")
    page.get_by_label("Only overdue actions").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "overdue=true" in page.url and f"as_of={AS_AT}" in page.url
    due_cells = page.locator("#action-plan-table tbody tr").count()
    assert due_cells >= 1
    assert page.locator("#action-plan-table tbody").get_by_text("Overdue").count() == due_cells
    page.locator("#action-plan-table thead a", has_text="RAG rating").click()
    page.wait_for_load_state()
    assert "sort=rag" in page.url and "overdue=true" in page.url


def test_keyboard_user_reaches_the_filters_and_applies_them(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto(f"/challenges/coventry-2024/plan/?as_of={AS_AT}")
    page.get_by_label("Theme").focus()
    tab_until(page, lambda: page.evaluate("document.activeElement.id") == "id_overdue",
              what="The overdue checkbox", presses=30)
    page.keyboard.press("Space")
    page.wait_for_url("**overdue=true**")
    assert page.evaluate("document.activeElement.id") == "id_overdue"
