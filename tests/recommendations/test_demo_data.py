"""The demo data: Coventry's real recommendations, loaded idempotently, never with known passwords in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from recommendations.demo import load_demo
from recommendations.models import Action, PeerChallenge, ProgressUpdate, Recommendation
from recommendations.timetable import DUE, MET, NOT_RECORDED, timetables_for
from tests.recommendations.import_helpers import row_counts

TITLES_2024 = [
    "City Centre masterplan", "One Coventry Plan", "Employees", "Medium Term Financial Strategy",
    "Financial accounts", "Transformation programme", "Communications", "Performance management",
    "Member training", "Workforce Diversity",
]
FIRST_2018 = "Prioritising action to tackle homelessness by:"


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        return load_demo(with_logins=True)


def test_each_coventry_challenge_has_exactly_ten_recommendations_with_the_seed_titles(demo):
    titles_2024 = list(Recommendation.objects.filter(challenge__slug="coventry-2024")
                       .order_by("number").values_list("title", flat=True))
    assert titles_2024 == TITLES_2024
    recs_2018 = Recommendation.objects.filter(challenge__slug="coventry-2018").order_by("number")
    assert [r.number for r in recs_2018] == list(range(1, 11))
    first = recs_2018[0]
    assert first.text == FIRST_2018
    assert first.sub_points == [
        "Replacing expensive bed and breakfast with cheaper temporary accommodation options",
        "Increasing the supply of social rented and affordable private rented accommodation so it "
        "exceeds projected temporary accommodation demand",
        "Making greater use of peer or external challenge to continue to develop our response",
    ]
    assert recs_2018[9].text == ("Strengthening delivery of the change programme to support the "
                                 "transformation agenda")


def test_challenges_have_the_seed_dates_and_figures(demo):
    c2018 = PeerChallenge.objects.get(slug="coventry-2018")
    c2024 = PeerChallenge.objects.get(slug="coventry-2024")
    assert (str(c2018.onsite_start), str(c2018.onsite_end)) == ("2018-10-09", "2018-10-12")
    assert (c2018.people_spoken_to, c2018.meetings_held, c2018.hours_on_site) == (150, 35, 225)
    assert (str(c2024.onsite_start), str(c2024.onsite_end)) == ("2024-01-15", "2024-01-18")
    assert (c2024.people_spoken_to, c2024.meetings_held) == (100, 35)
    assert c2024.peer_team.count() == 6
    assert c2018.peer_team.count() == 7
    assert list(c2024.core_components.values_list("name", flat=True)) == [
        "Local priorities and outcomes", "Organisational and place leadership",
        "Governance and culture", "Financial planning and management", "Capacity for improvement"]
    assert list(c2024.focus_areas.values_list("name", flat=True)) == ["Transformation"]


def test_2024_responses_and_actions_come_from_appendix_b(demo):
    rec = Recommendation.objects.get(challenge__slug="coventry-2024", number=1)
    assert rec.response == Recommendation.Response.ACCEPTED
    assert "City Centre Vision 2050" in rec.response_narrative
    assert Action.objects.filter(recommendation__challenge__slug="coventry-2024").count() >= 20
    # Every 2024 update is invented for the demo and says so.
    updates_2024 = ProgressUpdate.objects.filter(action__recommendation__challenge__slug="coventry-2024")
    assert updates_2024.exists()
    assert not updates_2024.filter(is_demo=False).exists()
    assert {u.created_at.date().isoformat()[:7] for u in updates_2024} <= {
        f"2024-{m:02d}" for m in range(2, 12)}


def test_2018_progress_comes_from_the_february_2020_briefing_note(demo):
    updates = ProgressUpdate.objects.filter(action__recommendation__challenge__slug="coventry-2018")
    assert updates.count() == 10
    assert {u.created_at.date().isoformat() for u in updates} == {"2020-02-05"}
    assert updates.filter(narrative__contains="Housing Strategy Board established").exists()


def test_the_november_2024_progress_review_has_its_peers_and_six_themes(demo):
    review = PeerChallenge.objects.get(slug="coventry-2024").progress_reviews.get()
    assert str(review.review_date) == "2024-11-22"
    assert list(review.themes.values_list("name", flat=True)) == [
        "City Centre working", "Workforce", "Finance and the MTFS", "Transformation",
        "Communication", "Performance management"]
    assert review.returning_peers.count() == 4
    mapped = {rec.number for theme in review.themes.all() for rec in theme.recommendations.all()}
    assert mapped == set(range(1, 11))


def test_loading_twice_changes_nothing(demo):
    before = row_counts("recommendations", "reviews", "auth")
    with override_settings(DEBUG=True):
        report = load_demo(with_logins=True)
    assert report.touched == 0
    assert row_counts("recommendations", "reviews", "auth") == before


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_load_demo_refuses_known_passwords_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_no_logins_loads_the_data_with_unusable_passwords():
    call_command("load_demo", "--no-logins")
    users = get_user_model().objects.all()
    assert users.exists()
    assert not any(user.has_usable_password() for user in users)


def test_demo_users_have_one_role_each_and_the_second_council_is_separate(demo):
    officer = get_user_model().objects.get(username="otherofficer")
    assert list(officer.memberships.values_list("council__slug", "role")) == [("demo-borough", "officer")]
    assert not PeerChallenge.objects.visible_to(officer).filter(council__slug="coventry").exists()


def test_the_2024_action_plan_was_published_with_the_31_may_2024_scrutiny_agenda_pack(demo):
    c2024 = PeerChallenge.objects.get(slug="coventry-2024")
    assert str(c2024.action_plan_published_on) == "2024-05-31"
    # The LGA's own publication date of the feedback report is not in the seeds.
    assert c2024.feedback_report_date is None
    states = {m.key: m.state for m in timetables_for([c2024], as_of=dt.date(2024, 11, 22))[c2024.pk]}
    assert states == {
        "feedback_report": NOT_RECORDED,
        "action_plan": MET,
        "progress_review": MET,
        "progress_review_report": DUE,
        "next_challenge": DUE,
    }


def test_loading_again_puts_back_a_date_changed_in_the_database(demo):
    PeerChallenge.objects.filter(slug="coventry-2024").update(action_plan_published_on=None)
    with override_settings(DEBUG=True):
        report = load_demo(with_logins=True)
    assert report.changed == {"peer challenges": 1}
    assert str(PeerChallenge.objects.get(slug="coventry-2024").action_plan_published_on) == "2024-05-31"


def test_the_demo_makes_no_superuser_and_its_administrator_looks_after_people_only(demo, client):
    from django.contrib.auth.models import Permission

    from recommendations.demo import DEMO_PASSWORDS

    User = get_user_model()
    assert not User.objects.filter(is_superuser=True).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.filter(user=admin)} == {
        "auth.view_user", "auth.add_user", "auth.change_user", "recommendations.view_membership",
        "recommendations.add_membership", "recommendations.change_membership",
        "recommendations.delete_membership"}
    assert admin.check_password(DEMO_PASSWORDS["admin"])  # a known password, so never a superuser
    client.force_login(admin)
    people = client.get("/admin/auth/user/")
    assert people.status_code == 200
    listed = {user.username for user in people.context["cl"].result_list}
    assert "officer" in listed and "otherofficer" not in listed  # the demo borough's officer
    assert client.get("/admin/recommendations/recommendation/").status_code == 403


def test_loading_again_demotes_an_administrator_an_earlier_demo_made_superuser(demo):
    User = get_user_model()
    User.objects.filter(username="admin").update(is_superuser=True)
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.has_perm("recommendations.change_membership")
    assert not admin.has_perm("recommendations.change_recommendation")


def test_the_2018_challenge_is_archived_as_its_cycle_ended_when_2024_began(demo):
    c2018 = PeerChallenge.objects.get(slug="coventry-2018")
    assert c2018.is_archived
    assert c2018.archived_by.username == "coordinator"
    assert not PeerChallenge.objects.get(slug="coventry-2024").is_archived
    assert not PeerChallenge.objects.get(slug="demo-borough-2025").is_archived
    # Loading again leaves it archived, by the same person at the same moment.
    with override_settings(DEBUG=True):
        assert load_demo(with_logins=True).touched == 0
    assert PeerChallenge.objects.get(slug="coventry-2018").archived_at == c2018.archived_at
