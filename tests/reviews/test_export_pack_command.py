"""`manage.py export_pack`: the same pack from the command line, and the plan as at a date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from recommendations.demo import load_demo
from recommendations.models import Action, PeerChallenge, ProgressUpdate
from recommendations.rag import LABELS, derive_recommendation_rag
from tests.reviews._pdf import pdf_text


def _expected_counts(challenge, day):
    """Counts the ratings from the updates current on `day`, independently of the SQL rule."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    counts = {key: 0 for key in LABELS}
    for recommendation in challenge.recommendations.all():
        pairs = []
        for action in Action.objects.filter(recommendation=recommendation, created_at__lte=end):
            latest = (ProgressUpdate.objects.filter(action=action, created_at__lte=end)
                      .order_by("-created_at", "-pk").first())
            status = action.status
            if status == Action.Status.COMPLETE and action.signed_off_at > end:
                status = Action.Status.IN_PROGRESS
            if status == Action.Status.CLOSED:
                status = Action.Status.IN_PROGRESS  # still open on that date
            pairs.append((status, latest.rag if latest else None))
        counts[derive_recommendation_rag(pairs)] += 1
    return counts


@pytest.mark.django_db
def test_as_of_gives_the_rag_figures_of_the_updates_current_that_day(tmp_path):
    load_demo(with_logins=False)
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    out = tmp_path / "pack.pdf"
    call_command("export_pack", "--challenge", "coventry-2024", "--out", str(out),
                 "--as-of", "2024-06-30")
    expected = _expected_counts(challenge, dt.date(2024, 6, 30))
    now = _expected_counts(challenge, timezone.localdate())
    assert expected != now  # the date makes a difference in the demo data
    text = re.sub(r"\s+", " ", pdf_text(out.read_bytes(), tmp_path))
    assert "Figures as at 30 June 2024" in text
    summary = text.split("4 Summary of progress")[-1]
    for value, label in LABELS.items():
        words = "not yet rated" if value == "not_rated" else label
        assert f"{expected[value]} {words}" in summary


@pytest.mark.django_db
def test_unknown_challenge_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no challenge 'nowhere'"):
        call_command("export_pack", "--challenge", "nowhere", "--out", str(tmp_path / "x.pdf"))


@pytest.mark.django_db
def test_a_future_date_is_refused(challenge, tmp_path):
    with pytest.raises(CommandError, match="cannot be in the future"):
        call_command("export_pack", "--challenge", challenge.slug, "--out", str(tmp_path / "x.pdf"),
                     "--as-of", (timezone.localdate() + dt.timedelta(days=30)).isoformat())


@pytest.mark.django_db
def test_uses_the_challenges_latest_report_text(report, tmp_path):
    out = tmp_path / "x.pdf"
    call_command("export_pack", "--challenge", report.challenge.slug, "--out", str(out))
    text = re.sub(r"\s+", " ", pdf_text(out.read_bytes(), tmp_path))
    assert "Delivery depends on capacity in the finance team." in text
