"""One date entry pattern: the GOV.UK date input (day, month and year boxes) in forms and filters.

The dashboards' "as at" and "compare with" dates are three boxes now, and the links that carry
`?as_of=2024-11-22` still work.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.forms import read_date

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 6, 30)

# Date entry other engineers convert in their own files (issue #21): the packs' forms and the
# challenge-creation form of the imports pages. Nothing else may use a native picker or free text.
CONVERTED_ELSEWHERE = {"templates/reviews/report_form.html", "templates/recommendations/challenge_create.html"}


def _read(query, name="as_of", **extra):
    return read_date(query, name, default=TODAY, what="the “as at” date", not_after=TODAY, **extra)


# --- reading the boxes ----------------------------------------------------------------------------


def test_three_boxes_give_the_date():
    choice = _read({"as_of_day": "22", "as_of_month": "11", "as_of_year": "2024"})
    assert choice.date == dt.date(2024, 11, 22) and not choice.error
    assert choice.parts == {"day": 22, "month": 11, "year": 2024, "errors": []}


def test_a_link_with_a_year_month_day_date_still_works():
    choice = _read({"as_of": "2024-11-22"})
    assert choice.date == dt.date(2024, 11, 22) and not choice.error


def test_the_boxes_win_over_a_link_date_carried_along():
    choice = _read({"as_of": "2024-01-01", "as_of_day": "22", "as_of_month": "11", "as_of_year": "2024"})
    assert choice.date == dt.date(2024, 11, 22)


def test_nothing_typed_is_the_default():
    choice = _read({"as_of_day": " ", "as_of_month": "", "as_of_year": ""})
    assert choice.date == TODAY and not choice.error and not choice.requested


@pytest.mark.parametrize(
    ("typed", "message", "part"),
    [
        (("22", "", "2024"), "The “as at” date must include a month", "month"),
        (("", "", "2024"), "The “as at” date must include a day and month", "day"),
        (("31", "2", "2024"), "The “as at” date must be a real date, like 31 3 2025", "day"),
        (("1", "1", "9999"), "Year must be between 1990 and 2100", "year"),
        (("٢", "1", "2024"), "The “as at” date must be a real date", "day"),
        (("1" * 30, "1", "2024"), "The “as at” date must be a real date, like 22 11 2024", "day"),
    ],
)
def test_a_wrong_date_gets_the_govuk_message_and_keeps_what_was_typed(typed, message, part):
    choice = _read(dict(zip(("as_of_day", "as_of_month", "as_of_year"), typed, strict=True)))
    assert choice.date == TODAY
    assert choice.error.startswith(message)
    assert choice.error_part == part and choice.error_anchor("as_of") == f"id_as_of_{part}"
    assert choice.parts["errors"] == [choice.error]
    assert choice.parts["day"] == typed[0][:20]


def test_a_date_after_the_latest_allowed_is_brought_back_with_a_note():
    choice = _read({"as_of_day": "1", "as_of_month": "1", "as_of_year": "2026"})
    assert choice.date == TODAY and "later than" in choice.note


# --- the pages ------------------------------------------------------------------------------------


def _page(response):
    return lxml.html.fromstring(response.content)


def _boxes(page, name):
    return [page.get_element_by_id(f"id_{name}_{part}") for part in ("day", "month", "year")]


def _form_of(element):
    return next(parent for parent in element.iterancestors() if parent.tag == "form")


def _hidden(form):
    return {box.get("name"): box.get("value") for box in form.xpath('.//input[@type="hidden"]')}


def _typed(boxes):
    """The day, month and year the boxes hold."""
    return tuple(box.get("value") for box in boxes)


def _open(client, user, view, challenge, query=None):
    """Returns `view` of the challenge (the portfolio: of every challenge) as `user` asks for it with `query`."""
    client.force_login(user)
    url = reverse(view) if view == "portfolio" else reverse(view, args=[challenge.slug])
    return client.get(url, query or {})


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["dashboard", "action_plan", "portfolio"])
def test_the_as_at_filter_is_three_boxes_filled_from_a_link(client, carol, challenge, action, view):
    response = _open(client, carol, view, challenge, {"as_of": "2024-11-22"})
    assert response.status_code == 200
    page = _page(response)
    day, month, year = _boxes(page, "as_of")
    assert _typed((day, month, year)) == ("22", "11", "2024")
    assert all(box.get("inputmode") == "numeric" and box.get("type") == "text" for box in (day, month, year))
    fieldset = next(parent for parent in day.iterancestors() if parent.tag == "fieldset")
    assert "View the plan as at a date" in fieldset.xpath("./legend")[0].text_content()
    assert not page.xpath('//input[@type="date"]')
    assert "22 November 2024" in page.xpath("//h1")[0].text_content()


@pytest.mark.django_db
def test_submitting_the_boxes_shows_the_plan_at_that_date(client, carol, challenge, action):
    response = _open(client, carol, "dashboard", challenge,
                     {"as_of_day": "22", "as_of_month": "11", "as_of_year": "2024"})
    assert response.status_code == 200
    assert response.context["as_of"].date == dt.date(2024, 11, 22)
    # Links onwards carry the date in its link form.
    plan = reverse("action_plan", args=[challenge.slug])
    hrefs = [link.get("href") for link in _page(response).xpath("//a[@href]")]
    assert f"{plan}?as_of=2024-11-22" in hrefs


@pytest.mark.django_db
def test_a_wrong_date_in_the_boxes_is_a_govuk_error_linked_to_its_box(client, carol, challenge, action):
    response = _open(client, carol, "dashboard", challenge,
                     {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2024"})
    assert response.status_code == 400
    page = _page(response)
    [link] = page.xpath('//div[contains(@class, "govuk-error-summary")]//a')
    assert link.get("href") == "#id_as_of_day"
    assert "must be a real date" in link.text_content()
    day, month, year = _boxes(page, "as_of")
    assert _typed((day, month, year)) == ("31", "2", "2024")
    assert "govuk-input--error" in day.get("class")
    assert page.xpath("//title")[0].text_content().strip().startswith("Error: ")


@pytest.mark.django_db
def test_the_since_filter_is_three_boxes_and_keeps_the_as_at_date(client, carol, challenge, action):
    response = _open(client, carol, "dashboard", challenge,
                     {"as_of": "2024-11-22", "since_day": "1", "since_month": "9", "since_year": "2024"})
    assert response.status_code == 200
    assert response.context["since"].date == dt.date(2024, 9, 1)
    boxes = _boxes(_page(response), "since")
    assert _typed(boxes) == ("1", "9", "2024")
    assert _hidden(_form_of(boxes[0])) == {"as_of": "2024-11-22"}  # the old since boxes are not carried twice


@pytest.mark.django_db
def test_a_comparison_date_after_the_as_at_date_keeps_what_was_typed(client, carol, challenge, action):
    response = _open(client, carol, "dashboard", challenge,
                     {"as_of": "2024-11-22", "since_day": "1", "since_month": "12", "since_year": "2024"})
    assert response.status_code == 400
    page = _page(response)
    assert page.xpath('//div[contains(@class, "govuk-error-summary")]//a')[0].get("href") == "#id_since_day"
    assert _boxes(page, "since")[1].get("value") == "12"


@pytest.mark.django_db
def test_show_today_instead_drops_the_boxes(client, carol, challenge, action):
    response = _open(client, carol, "action_plan", challenge,
                     {"as_of_day": "22", "as_of_month": "11", "as_of_year": "2024", "rag": "red"})
    page = _page(response)
    [today_link] = page.xpath('//a[contains(., "Show today instead")]')
    assert today_link.get("href").endswith("?rag=red")
    assert set(_hidden(_form_of(page.get_element_by_id("id_as_of_day")))) == {"rag"}


@pytest.mark.django_db
def test_the_as_at_boxes_show_today_when_no_date_is_chosen(client, carol, challenge, action):
    response = _open(client, carol, "dashboard", challenge)
    today = timezone.localdate()
    assert _typed(_boxes(_page(response), "as_of")) == (str(today.day), str(today.month), str(today.year))


# --- no other pattern is left ---------------------------------------------------------------------


def test_no_template_uses_a_native_date_picker_or_a_free_text_date_hint():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT))
        if name in CONVERTED_ELSEWHERE:
            continue
        text = path.read_text()
        if re.search(r"""type=["']date["']""", text) or re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text):
            offenders.append(name)
    assert offenders == []
