"""An officer attaches evidence files to a progress update with htmx, a refused file is named, and
the listed file downloads; the action page passes axe-core and fits a phone (1280 and 320 px)."""

from __future__ import annotations

import pytest

from recommendations.models import EvidenceFile
from tests import factories
from tests.browser.conftest import assert_fits, record_progress, sign_in
from tests.recommendations.evidence_helpers import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_attaches_files_with_htmx_and_downloads_one(page, action):
    sign_in(page, "bob", factories.PASSWORD)
    page.goto(action.get_absolute_url())
    file_input = page.get_by_label("Evidence files (optional)")
    assert file_input.get_attribute("multiple") is not None
    assert_fits(page, "evidence-form")

    # A refused file: named with the reason, on the same page (htmx), nothing kept.
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Green").check()
    page.get_by_label("What has been done").fill("Cabinet approved the masterplan.")
    file_input.set_input_files([{"name": "report.exe", "mimeType": "application/octet-stream",
                                 "buffer": b"MZ\x90\x00" + b"\0" * 64}])
    page.get_by_role("button", name="Save progress update").click()
    page.locator("#id_evidence_files-error").wait_for()
    assert "report.exe is not a PDF, Word, Excel, PowerPoint, image or CSV file" in \
        page.locator("#id_evidence_files-error").inner_text()
    assert page.evaluate("window.__sameDocument") is True
    assert not EvidenceFile.objects.exists()
    assert_fits(page, "evidence-refused")

    # Two good files, one with a long name, posted by htmx as multipart.
    long_name = "Cabinet-report-masterplan-approval-appendix-" + "x" * 60 + ".pdf"
    page.get_by_label("Evidence files (optional)").set_input_files([
        {"name": "Cabinet minutes.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": long_name, "mimeType": "application/pdf", "buffer": PDF + b"% appendix\n"},
    ])
    page.get_by_role("button", name="Save progress update").click()
    page.get_by_text("Your progress update and 2 evidence files have been saved.").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert EvidenceFile.objects.count() == 2
    timeline = page.locator("#timeline")
    assert "Cabinet minutes.pdf" in timeline.inner_text() and "PDF" in timeline.inner_text()
    assert_fits(page, "evidence-listed")

    with page.expect_download() as download_info:
        timeline.get_by_role("link", name="Cabinet minutes.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Cabinet minutes.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF

    # The page as loaded afresh lists the files too.
    page.reload()
    assert long_name in page.locator("#timeline").inner_text()
    assert_fits(page, "evidence-listed-reloaded")


def test_without_javascript_the_form_posts_files_too(page_without_js, action):
    page = page_without_js
    sign_in(page, "bob", factories.PASSWORD)
    page.goto(action.get_absolute_url())
    record_progress(page, "Amber", "Consultation moved to March.",
                    [{"name": "Consultation plan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_text("Your progress update and 1 evidence file have been saved.").wait_for()
    assert "Consultation plan.pdf" in page.locator("#timeline").inner_text()
