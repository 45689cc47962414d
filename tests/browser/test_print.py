"""Printing: the whole filtered action plan with every column, and the dashboard with its charts kept
whole and no link addresses (print stylesheet, assets/scss/_print.scss)."""

from __future__ import annotations

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import SCREENSHOTS, sign_in

# An A4 page at 96 px to the inch less Chromium's default margins (about 1 cm each side).
A4_PRINTABLE_PX = 718


def _keep(pdf: bytes, name: str) -> None:
    """Saves the printed PDF beside the screenshots for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / name).write_bytes(pdf)


def _pages(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def _print_layout(page) -> None:
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1000})
    page.emulate_media(media="print")


def _link_addresses_printed(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('main a[href]')]
        .filter(a => { const c = getComputedStyle(a, '::after').content; return c && c.includes('/') })
        .map(a => a.getAttribute('href'))""")


def test_print_this_plan_prints_every_filtered_action_with_every_column(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/plan/?status=in_progress&status=complete&status=not_started")
    on_screen = page.locator("#action-plan-table tbody tr").count()
    matching = int(page.locator("#action-plan-count").inner_text().split()[0])
    assert on_screen == 25 < matching
    page.get_by_role("link", name="Print this plan").click()
    assert "show=all" in page.url and "status=in_progress" in page.url and "status=not_started" in page.url
    rows = page.locator("#action-plan-table tbody tr")
    assert rows.count() == matching
    assert page.locator("#action-plan-count").inner_text().startswith(f"{matching} actions match")
    assert page.locator(".govuk-pagination").count() == 0
    expect_button = page.get_by_role("button", name="Print this plan")
    assert expect_button.is_visible()

    _print_layout(page)
    # Every column is on the paper: nothing of the table reaches past the printable width.
    headings = page.locator("#action-plan-table thead th")
    assert headings.count() == 10
    for index in range(headings.count()):
        box = headings.nth(index).bounding_box()
        assert box is not None and box["width"] > 0, index
        assert box["x"] + box["width"] <= A4_PRINTABLE_PX + 1, headings.nth(index).inner_text()
    # The table is a table on paper, not the phone's stacked rows, and page furniture is left out.
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    for selector in (".govuk-service-navigation", "#action-plan-filters-panel", ".pt-as-of", "footer"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
    assert _link_addresses_printed(page) == []
    pdf = page.pdf(format="A4", print_background=True)
    _keep(pdf, "print-action-plan.pdf")
    assert _pages(pdf) >= 2


def test_the_dashboard_prints_its_charts_whole_and_no_link_addresses(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/dashboard/?as_of=2025-03-31")
    _print_layout(page)
    charts = page.locator(".pt-chart")
    assert charts.count() == 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        box = chart.bounding_box()
        # A chart fits on one page: shorter than the printable height of A4 (about 1,040 px).
        assert box is not None and 0 < box["height"] < 1000
        assert box["x"] + box["width"] <= A4_PRINTABLE_PX + 1
    assert _link_addresses_printed(page) == []
    assert page.locator(".pt-contents").evaluate("e => getComputedStyle(e).display") == "none"
    # The tables of figures print whole, not clipped by their scroll regions.
    for wrapper in page.locator(".pt-table-wrapper").all():
        assert wrapper.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), wrapper.get_attribute("aria-label")
    pdf = page.pdf(format="A4", print_background=True)
    _keep(pdf, "print-dashboard.pdf")
    assert _pages(pdf) >= 1
