"""The demo ships with one issued committee pack (issue 21, item 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from recommendations.demo import load_demo
from reviews.models import IssuedPack


@pytest.mark.django_db
def test_load_demo_issues_one_labelled_pack_for_the_january_2025_scrutiny_meeting_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=None)
    pack = IssuedPack.objects.get()
    assert pack.challenge.slug == "coventry-2024"
    assert (pack.committee, pack.meeting_date, pack.as_of) == (
        "Scrutiny Co-ordination Committee",
        dt.date(2025, 1, 29),
        dt.date(2025, 1, 29),
    )
    assert pack.report.is_demo and pack.snapshot["report"]["is_demo"]
    assert pack.subject == "Peer Review Progress Update (demo)"
    assert pack.snapshot["report"]["purpose"].startswith("Demo content:")
    assert pack.issued_by.username == "coordinator"
    assert pack.docx and pack.docx_sha256
    assert pack.read_verified().startswith(b"%PDF")

    load_demo(with_logins=True, with_pack=True)  # again: nothing more
    assert IssuedPack.objects.count() == 1


@pytest.mark.django_db
def test_loading_the_demo_data_alone_issues_nothing():
    load_demo(with_logins=False)
    assert not IssuedPack.objects.exists()
