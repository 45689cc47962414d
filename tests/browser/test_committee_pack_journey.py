"""A coordinator sets the council's look, drafts, previews (the DRAFT PDF), issues, replaces and
withdraws committee packs; a scrutiny member downloads them; the page follows background work."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import PeerChallenge
from reviews.models import CommitteeReport, IssuedPack, PackJob
from reviews.packs.services import run_job
from tests.browser.conftest import assert_accessible, assert_fits, fill_date, sign_in
from tests.browser.journeys import coordinator_follows
from tests.reviews.logo_fixtures import png

WIDTHS = (1280, 390, 320)


@pytest.fixture
def queued_issue(demo):
    """A draft report of the demo's 2024 challenge and the job issuing its pack, queued but not yet run."""
    report = CommitteeReport.objects.create(
        challenge=PeerChallenge.objects.get(slug="coventry-2024"),
        committee="Cabinet",
        meeting_date="2025-01-29",
        subject="Progress",
        author_name="Joanna Whitfield",
        purpose="Why.",
        recommendations_to_committee="Note it.",
        key_risks="Few.",
        next_steps="More.",
    )
    return report, PackJob.objects.create(report=report, kind="issue", packs_seen=0)


def test_coordinator_previews_issues_and_replaces_a_pack_and_scrutiny_downloads_it(page, demo, tmp_path):
    page.set_default_navigation_timeout(90_000)  # making a pack inside the request, in the test suite
    coordinator_follows(page, "See the committee packs for this challenge", heading="Committee packs",
                        screenshot="packs-empty")

    # The council's look: a logo and its own wording for Red.
    page.get_by_role("link", name="The council's logo, Word template and RAG wording").click()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(120, 40))
    page.get_by_label("Logo (optional)").set_input_files(str(logo))
    page.get_by_label("What Red means (optional)").fill("Off track: Cabinet to act")
    assert_fits(page, "pack-council-look", WIDTHS)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("look and words have been saved")).to_be_visible()
    expect(page.locator("img.pt-header__logo")).to_be_visible()

    page.get_by_role("button", name="Start a new report").click()
    assert_accessible(page, "report-new")
    fill_date(page.get_by_role("group", name="Meeting date"), "31", "2", "2025")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Meeting date must be a real date, like 31 3 2025")).to_be_visible()
    assert_accessible(page, "report-new-error")

    fill_date(page.get_by_role("group", name="Meeting date"), "29", "1", "2025")
    page.get_by_label("Key risks", exact=True).fill("Capacity in finance is stretched.\n\nThe MTFS gap remains.")
    page.get_by_label("Recommendation 1: City Centre masterplan").fill("The masterplan is on track for March.")
    assert_fits(page, "report-new", WIDTHS)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft report has been saved")).to_be_visible()
    assert_accessible(page, "report-detail")

    # The preview is the PDF, made by the task queue (run as it is queued in the test suite).
    page.get_by_role("button", name="Preview the pack (DRAFT PDF)").click()
    # In the test suite the task runs as it is queued, inside this request: allow for the PDF.
    page.get_by_role("button", name="Make the preview").click(timeout=90_000)
    expect(page.get_by_role("heading", name="The DRAFT preview is ready")).to_be_visible(timeout=90_000)
    assert_fits(page, "report-preview", WIDTHS)
    preview = page.request.get(page.get_by_role("link", name="Open the DRAFT preview").get_attribute("href"))
    assert preview.headers["content-type"] == "application/pdf" and preview.body().startswith(b"%PDF")

    page.get_by_role("link", name="Issue the pack").click()
    assert_accessible(page, "report-issue")
    # Issue with the keyboard alone.
    page.get_by_role("button", name="Issue the pack").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Pack 1 has been issued")).to_be_visible(timeout=90_000)
    assert_accessible(page, "report-issued")
    pack = IssuedPack.objects.get()
    assert pack.docx_sha256 and pack.snapshot["council"]["rag_wording"]["red"] == "Off track: Cabinet to act"

    # A replacement supersedes pack 1, which stays on the record.
    page.goto(f"/challenges/coventry-2024/reports/{pack.report_id}/issue/")
    page.get_by_label("Does this pack replace one already issued?").select_option(str(pack.pk))
    page.get_by_label("Why is it being replaced?").fill("the key risks missed the finance gap.")
    page.get_by_role("button", name="Issue the pack").click(timeout=90_000)
    expect(page.get_by_role("heading", name="Pack 2 has been issued")).to_be_visible(timeout=90_000)

    page.goto("/challenges/coventry-2024/packs/")
    expect(page.get_by_text("Superseded by pack 2 on")).to_be_visible()
    page.get_by_text("Check this pack is unchanged").first.click()
    expect(page.get_by_text(IssuedPack.objects.get(sequence=2).sha256)).to_be_visible()
    assert_fits(page, "packs-issued", WIDTHS)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/packs/")
    assert page.get_by_role("button", name="Start a new report").count() == 0
    assert page.get_by_role("link", name="Withdraw").count() == 0
    for url, digest in ((pack.get_download_url(), pack.sha256), (pack.get_docx_download_url(), pack.docx_sha256)):
        with page.expect_download() as download_info:
            page.locator(f'a[href="{url}"]').click()
        with open(download_info.value.path(), "rb") as downloaded:
            assert hashlib.sha256(downloaded.read()).hexdigest() == digest
    assert page.goto("/challenges/coventry-2024/reports/new/").status == 403


def test_the_issue_page_follows_background_work_and_announces_the_result(page, queued_issue):
    challenge_report, job = queued_issue
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto(f"/challenges/coventry-2024/reports/{challenge_report.pk}/issue/")
    status = page.locator("#job-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("The pack is being issued: waiting to start.")
    assert_fits(page, "report-issue-waiting", WIDTHS)

    run_job(job)  # the worker makes it; the page's poll picks the result up without a reload
    expect(status.get_by_role("heading", name="Pack 1 has been issued")).to_be_visible(timeout=30_000)
    assert page.url.endswith(f"/reports/{challenge_report.pk}/issue/")


def test_without_javascript_the_issue_page_offers_a_plain_refresh(page_without_js, queued_issue):
    page = page_without_js
    report, job = queued_issue
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto(f"/challenges/coventry-2024/reports/{report.pk}/issue/")
    expect(page.get_by_text("The pack is being issued")).to_be_visible()
    run_job(job)
    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", name="Pack 1 has been issued")).to_be_visible()
