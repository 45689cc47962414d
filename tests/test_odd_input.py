"""Odd input never gives a server error (issue 12, item 7).

Each test reproduces a 500 a signed-in user could cause: years outside 1990 to 2100,
NUL bytes and control characters, superscript and other non-ASCII digits, numbers
beyond 64 bits, and dates at the end of the calendar. Each must now get a clear
message (or a 404 for a URL that names nothing) and change nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from peertrack import inputs
from recommendations.models import Action, PeerChallenge, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from recommendations.spreadsheets import read_action_plan
from tests import factories
from tests.recommendations.import_helpers import csv_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

YEAR_MESSAGE = "Year must be between 1990 and 2100"
HUGE = "9" * 30


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label in {"recommendations", "reviews", "auth"}}


# --- the shared rules ------------------------------------------------------------------------


def test_year_rule_accepts_1990_to_2100_only() -> None:
    assert inputs.year_problem(dt.date(1990, 1, 1)) == ""
    assert inputs.year_problem(dt.date(2100, 12, 31)) == ""
    for year in (1, 1989, 2101, 9999):
        assert inputs.year_problem(dt.date(year, 1, 1)) == YEAR_MESSAGE


def test_ascii_whole_number_refuses_unicode_digits_and_numbers_beyond_64_bits() -> None:
    assert inputs.whole_number("42") == 42
    for text in ("²", "٣", "３", "1²", HUGE, "-1", "1.0", " ", "", "+3"):
        with pytest.raises(ValueError):
            inputs.whole_number(text)


def test_clean_text_strips_control_characters_but_keeps_line_breaks_in_long_text() -> None:
    assert inputs.clean_text("a\x00b\x01c\x1fd\x7fe") == "abcde"
    assert inputs.clean_text("one\r\ntwo\tthree") == "one\r\ntwo\tthree"
    assert inputs.clean_text("one\r\ntwo\tthree", multiline=False) == "one two three"
    assert inputs.xml_safe("a\x0bb\ufffec\ud800d") == "abcd"


# --- dates in query strings ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "action_plan", "action_plan_csv", "action_plan_xlsx"])
@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1989-12-31", "0000-01-01"])
def test_an_as_at_date_outside_the_years_is_refused_with_a_message(client: Any, carol: Any, challenge: Any,
                                                                   name: str, as_of: str) -> None:
    client.force_login(carol)
    response = client.get(reverse(name, args=[challenge.slug]), {"as_of": as_of})
    assert response.status_code in (200, 400)
    if name in ("dashboard", "action_plan"):
        assert response.status_code == 400
        assert YEAR_MESSAGE in response.content.decode()


@pytest.mark.parametrize("since", ["0001-01-01", "1900-01-01"])
def test_a_comparison_date_outside_the_years_is_refused(client: Any, carol: Any, challenge: Any,
                                                        since: str) -> None:
    client.force_login(carol)
    response = client.get(reverse("dashboard", args=[challenge.slug]), {"since": since})
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()


def test_portfolio_refuses_an_as_at_date_in_year_one(client: Any, carol: Any, challenge: Any) -> None:
    client.force_login(carol)
    response = client.get(reverse("portfolio"), {"as_of": "0001-01-01"})
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()


# --- a challenge at the end of the calendar --------------------------------------------------


def test_a_challenge_stored_with_its_last_day_in_9999_does_not_break_the_portfolio(
        client: Any, carol: Any, challenge: Any, northtown: Any) -> None:
    factories.make_challenge(council=northtown, slug="far-future", onsite_start=dt.date(9999, 12, 30),
                             onsite_end=dt.date(9999, 12, 31))
    client.force_login(carol)
    assert client.get(reverse("portfolio")).status_code == 200
    assert client.get(reverse("dashboard", args=["far-future"])).status_code == 200
    assert client.get(reverse("review_index", args=["far-future"])).status_code == 200


def test_a_new_challenge_ending_in_9999_is_refused(client: Any, alice: Any, northtown: Any) -> None:
    client.force_login(alice)
    before = _counts()
    response = client.post(reverse("challenge_create", args=[northtown.slug]), {
        "title": "Far future", "kind": PeerChallenge.Kind.CORPORATE, "onsite_start_day": "30",
        "onsite_start_month": "12", "onsite_start_year": "9999", "onsite_end_day": "31",
        "onsite_end_month": "12", "onsite_end_year": "9999", "slug": ""})
    assert response.status_code == 200
    assert YEAR_MESSAGE in response.content.decode()
    assert _counts() == before


# --- dates and numbers in forms ------------------------------------------------------------


@pytest.mark.parametrize("year", ["1", "0", "9999", "1989", "2101"])
def test_a_due_date_year_outside_the_years_is_refused(client: Any, alice: Any, action: Any, year: str) -> None:
    client.force_login(alice)
    before = _counts()
    response = client.post(reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk]), {
        "version": action.version, "description": action.description, "lead_officer": "",
        "due_date_day": "1", "due_date_month": "1", "due_date_year": year, "reason": "Moved"})
    assert response.status_code == 200
    assert YEAR_MESSAGE in response.content.decode()
    assert _counts() == before
    action.refresh_from_db()
    assert action.due_date == dt.date(2024, 9, 30)


@pytest.mark.parametrize("version", [HUGE, "٣", "３", "²", "1.0"])
def test_an_odd_form_version_is_refused_and_changes_nothing(client: Any, alice: Any, action: Any,
                                                            version: str) -> None:
    client.force_login(alice)
    response = client.post(reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk]), {
        "version": version, "description": "Changed", "lead_officer": "",
        "due_date_day": "30", "due_date_month": "9", "due_date_year": "2024"})
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    action.refresh_from_db()
    assert action.description != "Changed"


@pytest.mark.parametrize("day", ["٣", "３", "²"])
def test_unicode_digits_in_a_date_are_refused(client: Any, alice: Any, recommendation: Any, day: str) -> None:
    client.force_login(alice)
    before = _counts()
    response = client.post(reverse("action_add", args=[recommendation.challenge.slug, 1]), {
        "reference": "1.9", "description": "New", "due_date_day": day, "due_date_month": "3",
        "due_date_year": "2025"})
    assert response.status_code == 200
    assert "Due date must be a real date" in response.content.decode()
    assert _counts() == before


def test_a_reporting_period_in_other_digits_is_refused(client: Any, bob: Any, action: Any) -> None:
    client.force_login(bob)
    period = ReportingPeriod.current()
    arabic = str(period.year).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk]), {
        "rag": "green", "period": f"{arabic}-Q{period.quarter}", "narrative": "Done"})
    assert response.status_code == 200
    assert "Select a reporting period from the list" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("meeting_date", ["31/12/9999", "1/1/0001", "1/1/1900"])
def test_a_committee_meeting_year_outside_the_years_is_refused(client: Any, alice: Any, challenge: Any,
                                                               meeting_date: str) -> None:
    client.force_login(alice)
    before = _counts()
    day, month, year = meeting_date.split("/")
    response = client.post(reverse("committee_report_new", args=[challenge.slug]), {
        "committee": "Scrutiny", "meeting_date_day": day, "meeting_date_month": month,
        "meeting_date_year": year, "subject": "Progress",
        "author_name": "Alice", "purpose": "Report", "recommendations_to_committee": "Note it",
        "key_risks": "None", "next_steps": "More"})
    assert response.status_code == 200
    assert YEAR_MESSAGE in response.content.decode()
    assert _counts() == before


def test_a_review_date_in_9999_is_refused(client: Any, alice: Any, challenge: Any) -> None:
    client.force_login(alice)
    before = _counts()
    response = client.post(reverse("review_schedule", args=[challenge.slug]), {
        "review_date_day": "31", "review_date_month": "12", "review_date_year": "9999"})
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()
    assert _counts() == before


# --- integers in URLs ------------------------------------------------------------------------


@pytest.mark.parametrize("name, args", [
    ("action", ["northtown-2024", HUGE]),
    ("action_edit", ["northtown-2024", HUGE]),
    ("recommendation", ["northtown-2024", HUGE]),
    ("action_add", ["northtown-2024", HUGE]),
    ("committee_report", ["northtown-2024", HUGE]),
    ("pack_download", ["northtown-2024", HUGE]),
    ("review_detail", ["northtown-2024", HUGE]),
    ("recommendation", ["northtown-2024", "99999"]),
])
def test_an_id_beyond_64_bits_in_a_url_is_not_found(client: Any, alice: Any, challenge: Any, name: str,
                                                    args: list[str]) -> None:
    client.force_login(alice)
    url = reverse(name, args=["northtown-2024", 1]).replace("/1/", f"/{args[1]}/")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


# --- NUL bytes and control characters ------------------------------------------------------


def test_a_nul_byte_in_search_is_no_server_error(client: Any, carol: Any, recommendation: Any) -> None:
    client.force_login(carol)
    response = client.get(reverse("search"), {"q": "city\x00 centre"})
    assert response.status_code == 200


def test_a_nul_byte_in_pasted_recommendations_is_stripped(client: Any, alice: Any, challenge: Any) -> None:
    client.force_login(alice)
    text = "1. City centre\x00 masterplan\nThe council should\x01 agree a masterplan for the city centre.\n"
    response = client.post(reverse("recommendations_import", args=[challenge.slug]),
                           {"text": text, "step": "confirm", "title_1": "City\x00 centre masterplan"})
    assert response.status_code == 302
    saved = Recommendation.objects.get(challenge=challenge)
    assert saved.title == "City centre masterplan"
    assert "\x00" not in saved.text and "\x01" not in saved.text


def test_a_recommendation_number_beyond_the_field_is_refused_with_a_message(client: Any, alice: Any,
                                                                            challenge: Any) -> None:
    client.force_login(alice)
    text = f"Recommendation {HUGE}: Masterplan\nThe council should agree a masterplan for the centre.\n"
    response = client.post(reverse("recommendations_import", args=[challenge.slug]),
                           {"text": text, "step": "confirm", f"title_{HUGE}": "Masterplan"})
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_control_characters_posted_in_an_action_are_stripped(client: Any, alice: Any,
                                                             recommendation: Any) -> None:
    client.force_login(alice)
    response = client.post(reverse("action_add", args=[recommendation.challenge.slug, 1]), {
        "reference": "1.\x079", "description": "Line one\x0b\nline two\x00", "directorate": "Pl\x1bace",
        "due_date_day": "31", "due_date_month": "3", "due_date_year": "2025"})
    assert response.status_code == 302
    action = Action.objects.get(recommendation=recommendation)
    assert (action.reference, action.description, action.directorate) == ("1.9", "Line one\nline two", "Place")


def test_xlsx_export_works_with_control_characters_already_stored(client: Any, carol: Any, alice: Any,
                                                                  recommendation: Any, bob: Any) -> None:
    factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.1",
                          description="Bad\x01 char\x0b here", directorate="Pla\x1fce")
    recommendation.title = "Title\x02"
    recommendation.save()
    bob.first_name = "Bo\x03b"
    bob.save()
    challenge = recommendation.challenge
    challenge.title = "CPC\x04 2024"
    challenge.save()
    client.force_login(carol)
    response = client.get(reverse("action_plan_xlsx", args=[challenge.slug]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["E2"].value == "Bad char here"
    assert sheet["C2"].value == "Title"
    csv_response = client.get(reverse("action_plan_csv", args=[challenge.slug]))
    assert b"\x01" not in csv_response.content and b"\x0b" not in csv_response.content
    client.force_login(alice)
    export = client.get(reverse("action_plan_export", args=[challenge.slug]))
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(export.content)).active["C2"].value == "Bad char here"


# --- spreadsheet imports -------------------------------------------------------------------


@pytest.mark.parametrize("number", ["²", "٣", "３", "1²", HUGE])
def test_a_csv_recommendation_number_in_other_digits_is_refused_with_a_message(client: Any, alice: Any,
                                                                               challenge: Any,
                                                                               number: str) -> None:
    factories.make_recommendation(challenge=challenge, number=3)
    client.force_login(alice)
    before = _counts()
    data = csv_bytes([["", number, "Publish the plan", "", "", "", "", "", "", ""]])
    response = client.post(reverse("action_plan_import", args=[challenge.slug]),
                           {"file": upload(data, "plan.csv")})
    assert response.status_code == 200
    assert "is not a recommendation number" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("due", ["31/12/9999", "01/01/0001", "1900-01-01", "01/01/1989"])
def test_a_spreadsheet_date_outside_the_years_is_refused(due: str) -> None:
    result = read_action_plan(csv_bytes([["", "1", "Publish", "", "", "", "", due, "", ""]]), "plan.csv")
    assert not result.rows
    assert any(YEAR_MESSAGE in str(error) for error in result.errors)


def test_a_spreadsheet_date_cell_outside_the_years_is_refused() -> None:
    from tests.recommendations.import_helpers import xlsx_bytes

    data = xlsx_bytes([["", 1, "Publish", "", "", "", dt.date(1900, 1, 1), dt.datetime(9999, 1, 1), "", ""]])
    result = read_action_plan(data, "plan.xlsx")
    assert not result.rows
    assert sum(YEAR_MESSAGE in str(error) for error in result.errors) == 2


def test_nul_and_control_characters_in_an_uploaded_csv_are_stripped(client: Any, alice: Any,
                                                                    recommendation: Any) -> None:
    client.force_login(alice)
    rows = [["1.1", "1", "Pub\x01lish the\x00 plan" + " " * 10, "", "", "Pla\x0bce", "", "", "", ""]]
    # The first 4 KB stay free of NUL, as a real CSV would be, so the reader does not call it binary.
    data = csv_bytes([["1.0", "1", "x" * 5000, "", "", "", "", "", "", ""], *rows])
    response = client.post(reverse("action_plan_import", args=[recommendation.challenge.slug]),
                           {"file": upload(data, "plan.csv")})
    assert response.status_code == 200
    token = response.context["token"]
    fingerprint = response.context["plan"].fingerprint
    confirm = client.post(reverse("action_plan_import_confirm", args=[recommendation.challenge.slug]),
                          {"token": token, "fingerprint": fingerprint})
    assert confirm.status_code == 302
    action = Action.objects.get(reference="1.1")
    assert (action.description, action.directorate) == ("Publish the plan", "Place")


# --- query parameters that should be numbers -------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "٣", "-1", "1e400", "\x00"])
def test_odd_numbers_in_query_parameters_are_no_server_error(client: Any, carol: Any, action: Any,
                                                             value: str) -> None:
    client.force_login(carol)
    slug = action.recommendation.challenge.slug
    for params in ({"page": value}, {"theme": value}, {"lead_officer": value}, {"rag": value},
                   {"overdue": value}, {"origin": value}, {"directorate": value}):
        response = client.get(reverse("action_plan", args=[slug]), params)
        assert response.status_code in (200, 400), params
    assert client.get(reverse("pack_list", args=[slug]), {"page": value}).status_code == 200


# --- more edges ------------------------------------------------------------------------------


def test_id_converter_refuses_ids_no_column_can_hold() -> None:
    converter = inputs.IdConverter()
    assert converter.to_python(str(inputs.INT64_MAX)) == inputs.INT64_MAX
    with pytest.raises(ValueError):
        converter.to_python(str(inputs.INT64_MAX + 1))


def test_every_integer_in_the_urls_uses_the_bounded_converter() -> None:
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
        found = []
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                found += patterns(entry, route)
            elif isinstance(entry, URLPattern):
                found.append(route)
        return found

    # The admin's routes are Django's (and its engineer's); the product's pages are checked.
    routes = [route for route in patterns(get_resolver()) if not route.startswith("admin/")]
    assert any("<id:" in route for route in routes)
    assert not [route for route in routes if "<int:" in route]


def test_a_paste_with_thousands_of_digits_after_recommendation_is_no_server_error(
        client: Any, alice: Any, challenge: Any) -> None:
    client.force_login(alice)
    text = "Recommendation " + "9" * 5000 + "\nThe council should agree a masterplan.\n"
    response = client.post(reverse("recommendations_import", args=[challenge.slug]),
                           {"text": text, "step": "preview"})
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_text_no_xml_file_can_hold_does_not_break_the_exports(client: Any, alice: Any,
                                                               recommendation: Any) -> None:
    factories.make_action(recommendation=recommendation, reference="1.1", description="Odd\ufffe text\uffff")
    client.force_login(alice)
    for name in ("action_plan_xlsx", "action_plan_export"):
        response = client.get(reverse(name, args=[recommendation.challenge.slug]))
        assert response.status_code == 200
        values = [cell.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
                  for cell in row]
        assert "Odd text" in values


def test_a_pdf_is_made_without_control_characters(monkeypatch: Any) -> None:
    from reviews.packs import pdf as exports

    seen: list[str] = []

    class Spy:
        def __init__(self, *, string: str, **kwargs: Any) -> None:
            seen.append(string)
            raise RuntimeError("stop")

    monkeypatch.setattr(exports, "HTML", Spy)
    with pytest.raises(RuntimeError):
        exports.html_to_pdf("<p>Bad\x00 \x01text\x0b</p>")
    assert seen == ["<p>Bad text</p>"]


def test_a_nul_in_a_sign_in_username_is_no_server_error(client: Any, bob: Any) -> None:
    response = client.post(reverse("login"), {"username": "bob\x00", "password": factories.PASSWORD})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(("command", "option"), [("send_update_reminders", "--today"), ("export_pack", "--as-of")])
@pytest.mark.parametrize("value", ["9999-01-01", "0001-01-01", "2024-13-01", "٢٠٢٤-٠١-٠١", "tomorrow"])
@pytest.mark.django_db
def test_a_command_date_outside_the_rules_is_refused_in_words(command, option, value, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=f"^{option}"):
        call_command(command, option, value, *(["--challenge", "x", "--out", str(tmp_path / "x.pdf")]
                                               if command == "export_pack" else ["--dry-run"]))
