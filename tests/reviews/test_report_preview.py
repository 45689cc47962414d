from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reviews.models import IssuedPack, PackJob
from reviews.packs.services import run_job
from reviews.packs.tasks import run_pack_job
from tests import factories
from tests.reviews._pdf import pdf_text
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(report):
    return reverse("committee_report_preview", args=[report.challenge.slug, report.pk])


def _pdf_url(report):
    return reverse("committee_report_preview_pdf", args=[report.challenge.slug, report.pk])


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_ask_for_and_read_a_preview(client, everyone, username, status, report):
    assert_access(client, username, status, _url(report), posts=[(_url(report), {})])
    if status != 200:
        assert client.get(_pdf_url(report)).status_code == status
    assert not PackJob.objects.exists()


def test_the_preview_is_the_pack_pdf_made_by_the_task_queue_and_marked_draft(
    client, alice, report, action, tmp_path, django_capture_on_commit_callbacks
):
    factories.make_update(action=action, rag="amber", narrative="Masterplan consultation done.")
    client.force_login(alice)
    page = client.get(_url(report)).content.decode()
    assert "Make the preview" in page
    assert client.get(_pdf_url(report)).status_code == 404  # none made yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(report), {})
    assert response.status_code == 302 and response.url == _url(report)
    job = PackJob.objects.get()
    assert (job.kind, job.status) == ("preview", "done")
    assert not IssuedPack.objects.exists()

    page = client.get(_url(report)).content.decode()
    assert "The DRAFT preview is ready" in page
    assert f"{job.page_count} pages" in page
    pdf = client.get(_pdf_url(report))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    text = re.sub(r"\s+", " ", pdf_text(pdf.content, tmp_path))
    assert "1 Purpose of the note" in text
    assert "Recommendation 1: City centre masterplan" in text
    assert "Masterplan consultation done." in text  # the officer's words, in Appendix A
    assert "Amber" in text
    assert "DRAFT preview: not issued" in text
    assert text.count("DRAFT: not issued") >= job.page_count  # every page says so, beside the watermark


def test_a_preview_being_made_is_polled_and_a_second_click_queues_nothing(client, alice, report):
    client.force_login(alice)
    client.post(_url(report), {})  # the task waits for the commit this test never makes
    client.post(_url(report), {})
    assert PackJob.objects.count() == 1
    poll = client.get(_url(report), headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "The DRAFT preview is being made: waiting to start." in poll.content.decode()
    run_pack_job.call(job_id=PackJob.objects.get().pk, council_id=report.challenge.council_id)
    assert client.get(_url(report), headers={"HX-Request": "true"}).status_code == 286


def test_an_edit_after_the_preview_says_the_preview_is_out_of_date(client, alice, report):
    client.force_login(alice)
    client.post(_url(report), {})
    run_pack_job.call(job_id=PackJob.objects.get().pk, council_id=report.challenge.council_id)
    report.purpose = "A new purpose."
    report.save()
    assert "The report has been edited since this preview was made" in client.get(_url(report)).content.decode()


def test_making_the_preview_reads_a_bounded_number_of_queries(alice, report, bob, django_assert_max_num_queries):
    for number in range(2, 32):
        rec = factories.make_recommendation(challenge=report.challenge, number=number)
        for _ in range(3):
            act = factories.make_action(recommendation=rec, lead_officer=bob)
            factories.make_update(action=act, rag="green")
    job = PackJob.objects.create(report=report, kind="preview", requested_by=alice)
    with django_assert_max_num_queries(30):
        done = run_job(job)
    assert done.status == "done" and done.page_count > 5
