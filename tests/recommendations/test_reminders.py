"""send_update_reminders --dry-run: the report of each lead officer's overdue and not-updated actions.

It sends nothing: reminders are notifications (tests/notifications/test_schedule.py).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from recommendations.demo import FIXTURES, load_demo
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from tests import factories

TODAY = dt.date(2024, 11, 22)  # the day of Coventry's progress review


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        load_demo(with_logins=False)


def expected_from_fixtures(today: dt.date) -> set[tuple[str, str]]:
    """Reads the fixture files directly: the rule applied to the raw data, not to the database."""
    period = str(ReportingPeriod.for_date(today))
    expected = set()
    for path in FIXTURES:
        challenges = json.loads(path.read_text())["challenges"]
        # load_demo archives every challenge but a council's latest (its cycle is over): no reminders.
        latest = max(challenges, key=lambda challenge: challenge["onsite_start"])
        for challenge in [latest]:
            for recommendation in challenge["recommendations"]:
                for action in recommendation.get("actions", []):
                    updates = [u for u in action.get("updates", [])
                               if dt.date.fromisoformat(u["created_at"][:10]) <= today]
                    start = action.get("start_date")
                    began = min([dt.date.fromisoformat(start)] if start else []
                                + [dt.date.fromisoformat(u["created_at"][:10])
                                   for u in action.get("updates", [])], default=None)
                    if began and began > today:
                        continue
                    if action["status"] not in ("not_started", "in_progress"):
                        continue
                    if not action.get("lead_officer"):
                        continue
                    overdue = action.get("due_date") and dt.date.fromisoformat(
                        action["due_date"]) < today
                    updated = any(u["period"] == period for u in updates)
                    if overdue or not updated:
                        expected.add((challenge["slug"], action["reference"]))
    return expected


def listed(output: str) -> set[tuple[str, str]]:
    rows = set()
    for line in output.splitlines():
        if line.startswith("  ") and ":" in line and not line.strip().startswith("Not sent"):
            slug, reference = line.strip().split(":")[0].split(" ")
            rows.add((slug, reference))
    return rows


def test_dry_run_lists_exactly_the_overdue_and_not_updated_demo_actions(demo):
    out = io.StringIO()
    call_command("send_update_reminders", "--dry-run", "--today", "2024-11-22", stdout=out)
    rows = listed(out.getvalue())
    assert rows == expected_from_fixtures(TODAY)
    # The 2024 plan on that day: 1.1, 2.2 and 6.2 overdue; 1.2 and 8.3 not updated for Q3.
    assert {ref for slug, ref in rows if slug == "coventry-2024"} == {
        "1.1", "1.2", "2.2", "6.2", "8.3"}
    assert not any(slug == "demo-borough-2025" for slug, _ in rows)  # did not exist yet
    assert "Reminders for 22 November 2024 (reporting period 2024/25 Q3): 3 lead officers." in out.getvalue()
    assert "Dry run: nothing was sent. Reminders are sent by send_notifications." in out.getvalue()
    assert mail.outbox == []


def test_without_dry_run_it_sends_nothing_and_says_what_does(demo):
    with pytest.raises(CommandError, match="send_update_reminders no longer sends email: reminders are "
                                           "notifications, sent by `manage.py send_notifications`"):
        call_command("send_update_reminders", "--today", "2024-11-22", stdout=io.StringIO())
    assert mail.outbox == []


def test_an_up_to_date_officer_is_not_listed(action, bob):
    action.record_progress(rag="green", period=ReportingPeriod.current(), narrative="Fine.", by=bob)
    Action.objects.filter(pk=action.pk).update(due_date=dt.date(2099, 1, 1))
    out = io.StringIO()
    call_command("send_update_reminders", "--dry-run", stdout=out)
    assert listed(out.getvalue()) == set()


def test_an_officer_without_email_is_reported(recommendation):
    officer = factories.make_user(username="noemail", email="", council=recommendation.challenge.council)
    factories.make_action(recommendation=recommendation, lead_officer=officer)
    err = io.StringIO()
    call_command("send_update_reminders", "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "noemail has no email address" in err.getvalue()
    assert mail.outbox == []


def test_awaiting_sign_off_and_closed_actions_are_not_chased(recommendation, bob):
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          status=Action.Status.AWAITING_SIGN_OFF)
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          status=Action.Status.CLOSED)
    out = io.StringIO()
    call_command("send_update_reminders", "--dry-run", stdout=out)
    assert listed(out.getvalue()) == set()


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="--today must be a date like 2024-11-22"):
        call_command("send_update_reminders", "--dry-run", "--today", "22/11/2024")
