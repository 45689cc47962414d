"""A coordinator drafts, previews and issues a committee pack; a scrutiny member downloads it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS, load_demo
from reviews.models import IssuedPack
from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)


def test_coordinator_issues_a_pack_and_scrutiny_downloads_it(page, demo):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto("/challenges/coventry-2024/")
    page.get_by_role("link", name="See the committee packs for this challenge").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Committee packs"
    assert_accessible(page, "packs-empty")

    page.get_by_role("button", name="Start a new report").click()
    assert_accessible(page, "report-new")
    page.get_by_label("Meeting date").fill("31/2/2025")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "report-new-error")

    page.get_by_label("Meeting date").fill("29/1/2025")
    page.get_by_label("Key risks").fill("Capacity in finance is stretched.\n\nThe MTFS gap remains.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft report has been saved")).to_be_visible()
    assert_accessible(page, "report-detail")

    page.get_by_role("button", name="Preview the pack").click()
    expect(page.get_by_role("heading", name="5 Progress against each recommendation")).to_be_visible()
    expect(page.get_by_text("Capacity in finance is stretched.")).to_be_visible()
    assert_accessible(page, "report-preview")

    page.get_by_role("button", name="Issue the pack").first.click()
    assert_accessible(page, "report-issue")
    # Issue with the keyboard alone.
    page.get_by_role("button", name="Issue the pack").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/challenges/coventry-2024/packs/", timeout=60_000)
    expect(page.get_by_text("Pack 1 has been issued")).to_be_visible()
    pack = IssuedPack.objects.get()
    expect(page.get_by_text(pack.sha256)).to_be_visible()
    assert_accessible(page, "packs-issued")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/packs/")
    assert page.get_by_role("button", name="Start a new report").count() == 0
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").first.click()
    path = download_info.value.path()
    with open(path, "rb") as downloaded:
        assert hashlib.sha256(downloaded.read()).hexdigest() == pack.sha256
    assert page.goto("/challenges/coventry-2024/reports/new/").status == 403
