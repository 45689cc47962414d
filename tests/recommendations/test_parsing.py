"""The key recommendations parser, on the three Coventry reports and on layouts councils paste."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommendations.parsing import (
    RecommendationParseError,
    derive_title,
    parse_recommendations,
    roman_to_int,
)

DATA = Path(__file__).parent / "data"

TITLES_2024 = [
    "City Centre masterplan",
    "One Coventry Plan",
    "Employees",
    "Medium Term Financial Strategy",
    "Financial accounts",
    "Transformation programme",
    "Communications",
    "Performance management",
    "Member training",
    "Workforce Diversity",
]


def _parse(name: str):
    return parse_recommendations((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["key_recommendations_2024.txt", "key_recommendations_progress_review_2024.txt"])
def test_2024_report_and_its_progress_review_restatement_give_the_ten_titled_recommendations(name):
    recommendations = _parse(name).recommendations
    assert [r.number for r in recommendations] == list(range(1, 11))
    assert [r.title for r in recommendations] == TITLES_2024
    assert not any(r.title_derived for r in recommendations)


def test_2024_report_keeps_each_recommendations_whole_text():
    result = _parse("key_recommendations_2024.txt")
    assert result.recommendations[0].text == (
        "The council should continue to work at pace to develop a city centre masterplan with "
        "the support and involvement of partners."
    )
    assert result.recommendations[9].text.endswith("across the organisation at all levels.")


def test_2024_report_stops_at_the_next_section():
    result = _parse("key_recommendations_2024.txt")
    assert "Summary of the peer challenge approach" not in result.recommendations[-1].text
    assert any("3 Summary of the peer challenge approach" in w for w in result.warnings)


def test_progress_review_restatement_ignores_the_page_number_inside_recommendation_4():
    result = _parse("key_recommendations_progress_review_2024.txt")
    assert result.recommendations[3].text == (
        "Future financial modelling within the MTFS should consider the full impact and risk of "
        "key underlying assumptions e.g. demographic change, inflation, and policy on issues such "
        "as real living wage."
    )
    assert any("page number 9" in w for w in result.warnings)
    assert "Final thoughts" not in result.recommendations[-1].text


def test_2018_bullets_become_ten_recommendations_with_derived_titles_and_sub_points():
    result = _parse("key_recommendations_2018.txt")
    recs = result.recommendations
    assert [r.number for r in recs] == list(range(1, 11))
    assert all(r.title_derived for r in recs)
    assert [r.title for r in recs] == [
        "Prioritising action to tackle homelessness",
        "Ensuring the work to deliver against the projected balanced budget…",
        "Learning from other public sector best practice on industrial…",
        "Taking the opportunity to enhance the way the council communicates…",
        "Driving the digital agenda harder and faster",
        "Being very mindful of those staff who have not yet benefited from the…",
        "Hard-wiring the legacy and inclusive growth potential of the City of…",
        "Determining what 'One Coventry' is and the role it can play helping…",
        "Taking forward the recognised need for a shared vision for working in…",
        "Strengthening delivery of the change programme to support the…",
    ]
    assert recs[0].text == "Prioritising action to tackle homelessness by:"
    assert recs[0].sub_points == [
        "Replacing expensive bed and breakfast with cheaper temporary accommodation options",
        "Increasing the supply of social rented and affordable private rented accommodation so it "
        "exceeds projected temporary accommodation demand",
        "Making greater use of peer or external challenge to continue to develop our response",
    ]
    assert all(not r.sub_points for r in recs[1:])
    assert recs[4].text == "Driving the digital agenda harder and faster"
    # The peer team list after the section is not taken for recommendations.
    assert not any("Alison McKenzie-Folan" in r.text for r in recs)


def test_roman_numerals():
    text = """Key recommendations

I. City Centre masterplan
The council should continue to work at pace to develop a city centre masterplan.

II. Communications
The council should develop a refreshed external communication strategy.

III. Member training
Members are keen to engage with training, and the council should review barriers.

IV. Workforce diversity
The council should take further steps to improve diversity.
"""
    recs = parse_recommendations(text).recommendations
    assert [(r.number, r.title) for r in recs] == [
        (1, "City Centre masterplan"),
        (2, "Communications"),
        (3, "Member training"),
        (4, "Workforce diversity"),
    ]
    assert recs[2].text == "Members are keen to engage with training, and the council should review barriers."


def test_recommendation_word_with_title_and_text_on_one_line():
    text = """Recommendation 1: City Centre masterplan – The council should continue to work at pace on a masterplan.
Recommendation 2: Financial accounts – The council should make swift progress to sign off its accounts.
Recommendation 3: The council should develop a refreshed external communication strategy.
"""
    recs = parse_recommendations(text).recommendations
    assert [(r.number, r.title, r.title_derived) for r in recs] == [
        (1, "City Centre masterplan", False),
        (2, "Financial accounts", False),
        (3, "The council should develop a refreshed external communication strategy", True),
    ]
    assert recs[0].text == "The council should continue to work at pace on a masterplan."


def test_numbered_headings_without_blank_lines_and_wrapped_text():
    text = """1. City Centre masterplan
The council should continue to work at pace to develop
a city centre masterplan with partners.
2. One Coventry Plan
The next iteration of the One Coventry plan needs a corporate delivery plan.
3. Employees
The council has rich data from the recent workforce survey.
"""
    recs = parse_recommendations(text).recommendations
    assert [r.title for r in recs] == ["City Centre masterplan", "One Coventry Plan", "Employees"]
    assert recs[0].text == (
        "The council should continue to work at pace to develop a city centre masterplan with partners."
    )


def test_extra_headings_between_recommendations_are_left_out():
    text = """The following are the peer team's key recommendations to the council:

Local priorities and outcomes

1. City Centre masterplan

The council should continue to work at pace to develop a city centre masterplan.

Financial planning and management

2. Financial accounts

The council should make swift progress to sign off and publish its accounts.

Capacity for improvement

3. Transformation programme

The council should focus on rapid engagement and mobilisation of the right skills.
"""
    result = parse_recommendations(text)
    recs = result.recommendations
    assert [r.title for r in recs] == ["City Centre masterplan", "Financial accounts", "Transformation programme"]
    assert recs[0].text == "The council should continue to work at pace to develop a city centre masterplan."
    assert recs[1].text == "The council should make swift progress to sign off and publish its accounts."
    assert any("Financial planning and management" in w for w in result.warnings)
    assert any("Capacity for improvement" in w for w in result.warnings)


def test_page_numbers_and_blank_pages_are_ignored():
    text = """2. Key recommendations

1. Communications

The council should develop a refreshed

Page 7 of 22

This page is intentionally left blank

external communication strategy.

2. Member training

The council should review barriers to take up of training.
8
"""
    result = parse_recommendations(text)
    recs = result.recommendations
    assert [r.title for r in recs] == ["Communications", "Member training"]
    assert recs[0].text == "The council should develop a refreshed external communication strategy."
    assert recs[1].text == "The council should review barriers to take up of training."
    assert any("intentionally left blank" in w for w in result.warnings)


def test_number_on_its_own_line_then_title_then_text():
    text = """1.
City Centre masterplan
The council should continue to work at pace.

2.
Employees
The council should develop actions from the workforce survey.
"""
    recs = parse_recommendations(text).recommendations
    assert [(r.number, r.title, r.text) for r in recs] == [
        (1, "City Centre masterplan", "The council should continue to work at pace."),
        (2, "Employees", "The council should develop actions from the workforce survey."),
    ]


def test_lettered_sub_points_under_a_numbered_recommendation():
    text = """1) Homelessness
The council should prioritise action to tackle homelessness by:
(a) replacing bed and breakfast with cheaper temporary accommodation
(b) increasing the supply of social rented accommodation
2) Digital
The council should drive the digital agenda harder and faster.
"""
    recs = parse_recommendations(text).recommendations
    assert recs[0].title == "Homelessness"
    assert recs[0].sub_points == [
        "replacing bed and breakfast with cheaper temporary accommodation",
        "increasing the supply of social rented accommodation",
    ]
    assert recs[1].title == "Digital"


def test_bullets_with_word_processor_markers_and_wrapped_lines():
    text = """• Prioritising action to tackle homelessness by:
    o Replacing expensive bed and breakfast with cheaper
      temporary accommodation options
    o Increasing the supply of social rented accommodation
• Driving the digital agenda harder and faster
"""
    recs = parse_recommendations(text).recommendations
    assert len(recs) == 2
    assert recs[0].sub_points == [
        "Replacing expensive bed and breakfast with cheaper temporary accommodation options",
        "Increasing the supply of social rented accommodation",
    ]


def test_numbering_that_breaks_stops_reading_with_a_warning():
    text = """1. One
The council should do one thing.
2. Two
The council should do another thing.
4. Final thoughts and next steps
The LGA would like to thank the council.
"""
    result = parse_recommendations(text)
    assert [r.number for r in result.recommendations] == [1, 2]
    assert any("Final thoughts" in w for w in result.warnings)


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_paste_is_refused(text):
    with pytest.raises(RecommendationParseError, match="Paste the"):
        parse_recommendations(text)


def test_text_without_recommendations_is_refused():
    with pytest.raises(RecommendationParseError, match="No numbered recommendations"):
        parse_recommendations("The peer team enjoyed its visit to the council.\nThank you all.")


def test_roman_to_int_rejects_malformed_numerals():
    assert roman_to_int("xiv") == 14
    assert roman_to_int("IX") == 9
    assert roman_to_int("iiii") is None
    assert roman_to_int("abc") is None


def test_derive_title_keeps_short_text_and_cuts_long_text_at_a_word():
    assert derive_title("Driving the digital agenda harder and faster") == (
        "Driving the digital agenda harder and faster"
    )
    long = derive_title(
        "Ensuring the work to deliver against the projected balanced budget "
        "position for 2019/20 is successfully concluded"
    )
    assert long.endswith("…") and len(long) <= 71 and " " in long
