"""A coordinator reads the files an officer attached to a completion report in the inbox, downloads
one, and signs the action off from there; the inbox showing files passes axe-core and fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recommendations.models import Action
from tests import factories
from tests.browser.conftest import assert_fits, record_progress, sign_in
from tests.recommendations.evidence_helpers import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_reads_the_evidence_files_in_the_inbox_and_signs_off(page, action, alice):
    sign_in(page, "bob", factories.PASSWORD)
    page.goto(action.get_absolute_url())
    record_progress(page, "Blue", "The strategy went to Cabinet and was approved.",
                    [{"name": "Cabinet decision notice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_text("1 evidence file have been saved", exact=False).wait_for()

    page.context.clear_cookies()
    sign_in(page, "alice", factories.PASSWORD)
    page.goto("/inbox/")
    item = page.locator("#awaiting")
    expect(item.get_by_role("link", name="Cabinet decision notice.pdf")).to_be_visible()
    assert "No evidence was given" not in item.inner_text()
    assert_fits(page, "inbox-evidence-files", widths=(1280, 390, 320))

    with page.expect_download() as download_info:
        item.get_by_role("link", name="Cabinet decision notice.pdf").click()
    assert download_info.value.suggested_filename == "Cabinet decision notice.pdf"

    item.get_by_role("button", name="Sign off").first.click()
    expect(page.get_by_text("signed off", exact=False).first).to_be_visible()
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
