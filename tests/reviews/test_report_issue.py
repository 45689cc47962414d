from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import IssuedPack, PackJob, PackWithdrawal
from reviews.packs import services
from reviews.packs.tasks import run_pack_job
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_access

pytestmark = pytest.mark.django_db


def _url(report):
    return reverse("committee_report_issue", args=[report.challenge.slug, report.pk])


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_issue_a_pack(client, everyone, username, status, report):
    assert_access(client, username, status, _url(report), posts=[(_url(report), {})])
    assert not IssuedPack.objects.exists()


def test_get_asks_for_confirmation_and_issues_nothing(client, alice, report):
    client.force_login(alice)
    body = client.get(_url(report)).content.decode()
    assert "never changed or deleted" in body
    assert not IssuedPack.objects.exists()


def _issue(client, report, data=None, *, run, capture):
    """POSTs the issue form; with `run` the queued task runs as the transaction commits."""
    if not run:
        return client.post(_url(report), data or {})
    with capture(execute=True):
        return client.post(_url(report), data or {})


def test_coordinator_issues_a_stored_hashed_pack_and_issuing_again_makes_a_new_one(
    client, alice, report, action, django_capture_on_commit_callbacks
):
    factories.make_update(action=action, rag="red")
    client.force_login(alice)
    response = _issue(client, report, run=True, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == _url(report)
    pack = IssuedPack.objects.get()
    stored = pack.file.read()
    assert stored.startswith(b"%PDF-1.7")
    assert hashlib.sha256(stored).hexdigest() == pack.sha256
    word = pack.docx.read()
    assert word.startswith(b"PK")
    assert hashlib.sha256(word).hexdigest() == pack.docx_sha256 and pack.docx_size == len(word)
    assert pack.issued_by == alice
    assert pack.snapshot["recommendations"][0]["rag"] == "red"
    page = client.get(_url(report)).content.decode()
    assert "Pack 1 has been issued" in page
    assert reverse("pack_download_docx", args=[report.challenge.slug, 1]) in page

    factories.make_update(action=action, rag="green")
    _issue(client, report, _issue_form(client, report), run=True, capture=django_capture_on_commit_callbacks)
    second = IssuedPack.objects.get(sequence=2)
    assert second.sha256 != pack.sha256
    assert second.snapshot["recommendations"][0]["movement"]["text"] == "Improved from Red"
    pack.refresh_from_db()
    assert pack.snapshot["recommendations"][0]["rag"] == "red"


def test_issuing_is_queued_and_the_page_follows_it_until_the_pack_is_made(client, alice, report):
    client.force_login(alice)
    with_queue = client.post(_url(report), {})  # not committed in this test: the task waits
    assert with_queue.status_code == 302
    job = PackJob.objects.get()
    assert (job.kind, job.status) == ("issue", "queued")
    assert not IssuedPack.objects.exists()

    page = client.get(_url(report)).content.decode()
    assert "The pack is being issued: waiting to start." in page
    assert 'hx-trigger="every 2s"' in page and 'aria-live="polite"' in page
    assert f'href="{_url(report)}">Check again</a>' in page  # without JavaScript: a plain reload
    poll = client.get(_url(report), headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode() and 'id="job-status"' in poll.content.decode()

    assert client.post(_url(report), {}).status_code == 302  # a second click while it waits
    assert PackJob.objects.count() == 1

    run_pack_job.call(job_id=job.pk, council_id=report.challenge.council_id)
    done = client.get(_url(report), headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx stops polling
    assert "Pack 1 has been issued" in done.content.decode()


def test_a_rendering_failure_issues_nothing_shows_why_and_can_be_tried_again(
    client, alice, report, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(snapshot, **kwargs):
        raise services.PackRenderingError("no")

    monkeypatch.setattr(services, "render_pdf", fail)
    client.force_login(alice)
    _issue(client, report, run=True, capture=django_capture_on_commit_callbacks)
    assert PackJob.objects.get().status == "failed"
    page = client.get(_url(report)).content.decode()
    assert "The pack was not issued" in page and "nothing was issued" in page
    assert "Try again" in page
    assert not IssuedPack.objects.exists()

    monkeypatch.undo()
    _issue(client, report, _issue_form(client, report), run=True, capture=django_capture_on_commit_callbacks)
    assert IssuedPack.objects.count() == 1


def _issue_form(client, report) -> dict[str, str]:
    """Returns the confirmation form's hidden fields as the page renders them."""
    html = client.get(_url(report)).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(packs_seen|submission_key)" value="([^"]*)"', html))


def test_the_confirmation_sent_again_with_another_key_makes_no_second_pack(
    client, alice, report, django_capture_on_commit_callbacks
):
    # Two tabs, or a form re-sent by the browser without its key: the report's state decides.
    client.force_login(alice)
    form = _issue_form(client, report)
    assert form["packs_seen"] == "0"
    capture = django_capture_on_commit_callbacks
    assert _issue(client, report, {**form, "submission_key": "a" * 24}, run=True, capture=capture).status_code == 302
    _issue(client, report, {**form, "submission_key": "b" * 24}, run=True, capture=capture)
    assert IssuedPack.objects.count() == 1
    html = client.get(_url(report)).content.decode()
    assert "Pack 1 was issued from this report by Alice Coordinator at" in html
    assert "so no second pack was made" in html


def test_a_double_click_on_issue_makes_one_pack_and_says_so(client, alice, report, django_capture_on_commit_callbacks):
    client.force_login(alice)
    form = _issue_form(client, report)
    first = _issue(client, report, form, run=True, capture=django_capture_on_commit_callbacks)
    second = _issue(client, report, form, run=True, capture=django_capture_on_commit_callbacks)
    assert IssuedPack.objects.count() == 1
    assert PackJob.objects.count() == 1
    assert second.url == first.url
    assert "You sent this twice" in client.get(second.url).content.decode()


def test_issuing_again_from_a_fresh_confirmation_makes_the_next_pack(
    client, alice, report, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    _issue(client, report, _issue_form(client, report), run=True, capture=django_capture_on_commit_callbacks)
    form = _issue_form(client, report)
    assert form["packs_seen"] == "1"
    _issue(client, report, form, run=True, capture=django_capture_on_commit_callbacks)
    assert sorted(IssuedPack.objects.values_list("sequence", flat=True)) == [1, 2]


def test_a_replacement_supersedes_the_old_pack_which_stays_downloadable(
    client, alice, report, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    capture = django_capture_on_commit_callbacks
    _issue(client, report, _issue_form(client, report), run=True, capture=capture)
    old = IssuedPack.objects.get()
    refused = client.post(_url(report), {**_issue_form(client, report), "replaces": str(old.pk), "reason": ""})
    assert refused.status_code == 400 and "Say why the pack is being replaced" in refused.content.decode()

    form = {**_issue_form(client, report), "replaces": str(old.pk), "reason": "the date of the meeting was wrong."}
    _issue(client, report, form, run=True, capture=capture)
    new = IssuedPack.objects.get(sequence=2)
    withdrawal = PackWithdrawal.objects.get()
    assert (withdrawal.pack, withdrawal.replacement) == (old, new)
    assert new.snapshot["issued"]["supersedes"] == {"sequence": 1, "reason": "the date of the meeting was wrong."}
    listing = client.get(reverse("pack_list", args=[report.challenge.slug])).content.decode()
    assert "Superseded by pack 2 on" in listing and "because the date of the meeting was wrong." in listing
    download = client.get(old.get_download_url())
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == old.sha256

    again = client.post(_url(report), {**_issue_form(client, report), "replaces": str(old.pk), "reason": "x"})
    assert again.status_code == 400  # a pack is superseded once; it is no longer offered
    assert IssuedPack.objects.count() == 2


def test_a_pack_of_another_challenge_cannot_be_named_as_replaced(client, alice, report, mallory):
    from tests.factories import make_pack, make_report

    other = make_pack(
        report=make_report(
            challenge=factories.make_challenge(
                council=factories.make_council(name="Elsewhere Council", slug="elsewhere")
            )
        )
    )
    client.force_login(alice)
    response = client.post(_url(report), {**_issue_form(client, report), "replaces": str(other.pk), "reason": "x"})
    assert response.status_code == 400
    assert "Choose a pack from the list" in response.content.decode()
    assert not PackJob.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_issue_clicks_at_once_make_one_pack(alice, report, run_together):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice)
    forms = [_issue_form(client, report) for client in clients]  # two tabs: two keys

    responses = run_together(lambda index: clients[index].post(_url(report), forms[index]))
    assert [response.status_code for response in responses] == [302, 302], responses
    assert IssuedPack.objects.count() == 1
    assert {response.url for response in responses} == {_url(report)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issue_pack_called_twice_at_once_issues_once(alice, report, run_together):
    results = run_together(lambda index: services.issue_pack(report=report, by=alice, packs_seen=0))
    issued = [result for result in results if isinstance(result, IssuedPack)]
    refused = [result for result in results if isinstance(result, services.PackAlreadyIssued)]
    assert (len(issued), len(refused)) == (1, 1), results
    assert refused[0].pack.pk == issued[0].pk
    assert IssuedPack.objects.count() == 1
